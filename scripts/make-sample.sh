#!/usr/bin/env bash
# Regenerates assets/sample.mp4, the demo's video: 30 s of ffmpeg's test pattern with a clock
# and a tone, H.264/AAC with the index at the front (faststart) so browsers play it at once.
set -euo pipefail
cd "$(dirname "$0")/.."
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=30" \
  -vf "drawtext=text='torrent-live demo %{pts\\:hms}':x=20:y=20:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6" \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -b:v 400k -g 50 \
  -c:a aac -b:a 64k -movflags +faststart -metadata title="torrent-live demo" assets/sample.mp4
ls -l assets/sample.mp4
