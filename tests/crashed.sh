# crashed STATUS: whether a command's exit status means it crashed or hung
# (timeout's 124, or death by SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV)
# rather than ending with an error of its own.  Sourced by the shell tests.
crashed() {
    case $1 in 124|132|134|135|136|139) return 0 ;; esac
    return 1
}
