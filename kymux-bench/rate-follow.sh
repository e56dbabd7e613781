#!/usr/bin/env bash
# Rate following under one controlling viewer whose link changes: 8 -> 2 -> 8 Mbit/s.
#
# The server runs in the thin-links namespace; `kymux capture test` (1280x720, 30 fps,
# 8 Mb/s ceiling) uploads over the WebSocket ingest; `kymux bench --watch` is the one
# viewer, acking and asking for rate following, from local port 42000, whose HTB class is
# changed 10 s and 20 s into the run. Writes OUT/series.csv (every 500 ms: the feed's
# bitrate, the rate asked of the capture, frames, p95 capture -> receive, the longest gap)
# and OUT/rate-follow.svg. Needs root and iproute2; bounded: 30 s of watching.
#
#   kymux-bench/rate-follow.sh /tmp/rate-follow
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=${1:-/tmp/rate-follow}
mkdir -p "$out"
cd "$here/.."
"$here/thin-links.sh" down
"$here/thin-links.sh" up 1 42000 8mbit
cleanup() {
    kill "${cap:-}" "${server:-}" 2>/dev/null || true
    "$here/thin-links.sh" down
}
trap cleanup EXIT
ip netns exec kymuxbench ./kymux server --bind 10.77.0.2 --port 18888 --quic-port 0 --webrtc-port 0 \
    > "$out/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf http://10.77.0.2:18888/healthz > /dev/null && break; sleep 0.2; done
./kymux capture test --size 1280x720 --fps 30 --gop 60 --bitrate 8000000 \
    --to ws://10.77.0.2:18888/ingest/desk > "$out/capture.log" 2>&1 &
cap=$!
sleep 5
./kymux bench --target http://10.77.0.2:18888 --watch desk --slow-local-port 42000 --duration 30 \
    > "$out/series.csv" &
watch=$!
sleep 10
ip netns exec kymuxbench tc class change dev kyb1 parent 1: classid 1:100 htb rate 2mbit ceil 2mbit
sleep 10
ip netns exec kymuxbench tc class change dev kyb1 parent 1: classid 1:100 htb rate 8mbit ceil 8mbit
wait "$watch"
python3 "$here/plot-series.py" "$out/series.csv" "$out/rate-follow.svg"
tail -1 "$out/series.csv"
