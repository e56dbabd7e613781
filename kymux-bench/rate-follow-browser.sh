#!/usr/bin/env bash
# Rate following with Chromium as the one viewer, glass to glass: capture PTS -> the page's
# VideoDecoder output, as the player reports it to /api/sessions. The link is shaped as in
# rate-follow.sh (8 -> 2 -> 8 Mbit/s, changed 10 s and 20 s in), here on the server's port:
# Chromium cannot pick its own. The page is opened at the namespace's address, made a secure
# context with --unsafely-treat-insecure-origin-as-secure, over WebSocket (TCP, what the HTB
# class matches). Prints the viewer's p50/p95/p99 over the run and writes OUT/feeds.csv
# (about every 0.7 s: the feed's bitrate, the rate asked of the capture, frames decoded). Needs root,
# iproute2 and chromium; bounded: 30 s of watching.
#
#   kymux-bench/rate-follow-browser.sh /tmp/rate-follow-browser
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=${1:-/tmp/rate-follow-browser}
mkdir -p "$out"
cd "$here/.."
server_url=http://10.77.0.2:18888
"$here/thin-links.sh" down
"$here/thin-links.sh" up 1 42000 8mbit
# everything the server sends from its port goes through the one class
ip netns exec kymuxbench tc filter add dev kyb1 parent 1: protocol ip u32 \
    match ip protocol 6 0xff match ip sport 18888 0xffff flowid 1:100
cleanup() {
    kill "${browser:-}" "${cap:-}" "${server:-}" 2>/dev/null || true
    "$here/thin-links.sh" down
    rm -rf "$out/profile"
}
trap cleanup EXIT
ip netns exec kymuxbench ./kymux server --bind 10.77.0.2 --port 18888 --quic-port 0 --webrtc-port 0 \
    --rate-follows viewer > "$out/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf $server_url/healthz > /dev/null && break; sleep 0.2; done
./kymux capture test --size 1280x720 --fps 30 --gop 60 --bitrate 8000000 \
    --to ws://10.77.0.2:18888/ingest/desk > "$out/capture.log" 2>&1 &
cap=$!
sleep 5
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$out/profile" --autoplay-policy=no-user-gesture-required \
    --unsafely-treat-insecure-origin-as-secure=$server_url "$server_url/watch/desk?transport=websocket" \
    > "$out/chromium.log" 2>&1 &
browser=$!
echo "t_s,feed_bps,requested_bps,frames_decoded" > "$out/feeds.csv"
start=$(date +%s)
changed=0
while :; do
    sleep 0.5
    elapsed=$(( $(date +%s) - start ))
    [ "$elapsed" -ge 30 ] && break
    if [ "$changed" = 0 ] && [ "$elapsed" -ge 10 ]; then
        ip netns exec kymuxbench tc class change dev kyb1 parent 1: classid 1:100 htb rate 2mbit ceil 2mbit
        changed=1
    elif [ "$changed" = 1 ] && [ "$elapsed" -ge 20 ]; then
        ip netns exec kymuxbench tc class change dev kyb1 parent 1: classid 1:100 htb rate 8mbit ceil 8mbit
        changed=2
    fi
    feeds=$(curl -sf $server_url/api/feeds || echo '{}')
    sessions=$(curl -sf $server_url/api/sessions || echo '[]')
    python3 - "$start" "$feeds" "$sessions" >> "$out/feeds.csv" <<'PY'
import json, sys, time
start, feeds, sessions = float(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
f = next((f for f in feeds.get("feeds", []) if f["name"] == "desk"), {})
v = next((s.get("viewer") or {} for s in sessions), {})
print(f"{time.time() - start:.1f},{int(f.get('bitrate', 0))},{f.get('requestedBitrate', -1)},{v.get('videoFramesDecoded', 0)}")
PY
done
curl -sf $server_url/api/sessions | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    v = s.get("viewer") or {}
    print("viewer %s: %s samples, glass to glass p50 %s / p95 %s / p99 %s ms, %s decoded, %s dropped by the player" % (
        s["id"], v.get("latencySamples"), v.get("latencyP50Ms"), v.get("latencyP95Ms"), v.get("latencyP99Ms"),
        v.get("videoFramesDecoded"), v.get("droppedFrames")))
    print("server drops:", s.get("dropped"))'
