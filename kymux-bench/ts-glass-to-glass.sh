#!/usr/bin/env bash
# Glass to glass from an FFmpeg MPEG-TS ingest to headless Chromium, side by side in one run:
# x264 into /ts/cam played over WebTransport (WebCodecs) and WebRTC (WHEP), and the same
# pictures as mpeg1video into /ts/mp1 played by the real jsmpeg player. Each picture carries
# the time it was made, which each page reads back from what it shows (TsGlassToGlassBench).
# Needs Debian's ffmpeg and chromium; fetches jsmpeg (npm's @cycjimmy/jsmpeg-player) once into
# /tmp/jsmpeg. Loopback only; bounded (8 s warm-up, SECONDS of measuring, default 20).
#
#   kymux-bench/ts-glass-to-glass.sh
set -euo pipefail
cd "$(dirname "$0")/.."
js=/tmp/jsmpeg/package/dist/jsmpeg-player.umd.min.js
if [ ! -f "$js" ]; then
  mkdir -p /tmp/jsmpeg
  (cd /tmp/jsmpeg && npm pack --silent @cycjimmy/jsmpeg-player@6.1.2 > /dev/null && tar xzf cycjimmy-jsmpeg-player-6.1.2.tgz)
fi
mvn -B -ntp -o -q install -DskipTests
mvn -B -ntp -o -q test-compile -pl kymux-app
mvn -B -ntp -o -q -pl kymux-app surefire:test@default-test -Dtest=TsGlassToGlassBench \
  -Dsurefire.failIfNoSpecifiedTests=false -Djsmpeg="$js" -Dseconds="${SECONDS_TO_MEASURE:-20}" | grep FIGURE
