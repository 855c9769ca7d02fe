"""Keep freed memory in the process for the next tensor.

glibc serves allocations of 128 KiB and more (every activation of a batch)
with mmap() and gives them back with munmap() when freed, so each new
tensor touches fresh pages, and each first touch is a page fault.  On the
AMD EPYC machines of sessions 22-23 a fault costs about 20 us: filling a
new 64 MB tensor took 320 ms, filling it again 12 ms, and the frozen frame
encoder spent most of its time faulting (128 frames, 2 threads, while a
training run shared the cores: 4.9 s, and 0.6 s with freed memory kept).

keep_freed_memory() tells glibc (mallopt) to serve every allocation from
its heap and never to return freed heap to the system, so that a training
step reuses the pages the step before touched.  Call it once, first.
"""
import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4


def keep_freed_memory():
    """True when glibc took both settings (False elsewhere: no effect)."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, 2**31 - 1))
