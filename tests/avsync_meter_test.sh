#!/bin/sh
# The A/V sync meter of make eval, proven on FFmpeg's avsynctest with known
# flash delays (0, +3, -5 frames at 30 fps) after muxing to mkv (PCM),
# mp4 (AAC) and mkv (Opus) and decoding with the files' timestamps.
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-$REPO/build}
exec /usr/bin/python3 "$REPO/models/train/avsync.py" --ffmpeg "$B/ffmpeg" --tmp "$B/avsync-meter" --meter-only
