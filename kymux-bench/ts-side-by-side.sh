#!/usr/bin/env bash
# The same MPEG-TS load against kymux and against a reference relay, one after the other,
# printed in one table: `kymux bench --transport ts`, each relay in a process of its own
# (its CPU and RSS sampled with --relay-pid). The reference is kymux-bench/ts-reference-relay.js
# (Node and its `ws` package: give the directory holding node_modules as NODE_PATH), or any
# relay given by REF_INGEST and REF_WATCH URLs and REF_PID. REF=netty runs BareNettyTsRelay
# instead, the same relay on kymux's stack (the JVM and Netty alone), with the small server's
# JVM flags when KYMUX_SMALL=1: the floor of that stack for this load. SERVER_JAVA_OPTS go to the kymux
# server alone (e.g. a heap cap). kymux runs as a TS relay, as the reference is one: no QUIC, no
# WebRTC, no TLS; KYMUX_FLAGS replaces those flags (KYMUX_FLAGS="--quic-port 0 --webrtc-port 0"
# measures the whole server). Loopback only; bounded by the bench.
#
#   NODE_PATH=/path/to/node_modules kymux-bench/ts-side-by-side.sh [bench flags...]
#   e.g. kymux-bench/ts-side-by-side.sh --viewers 100 --duration 10 --slow-fraction 0.1 --slow-rate 0.5
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill ${kymux_pid:-} ${ref_pid:-} 2>/dev/null || true; rm -rf "$out"' EXIT

KYMUX_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" ./kymux server --bind 127.0.0.1 --port 18890 \
  ${KYMUX_FLAGS:---quic-port off --webrtc-port off --http-plain} > "$out/kymux.log" 2>&1 &
kymux_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18890/readyz > /dev/null && break; sleep 0.2; done
./kymux bench --transport ts --target http://127.0.0.1:18890 --relay-pid "$kymux_pid" --json "$out/kymux.json" "$@" \
  | grep -v ' INFO \|LoggerImpl' > "$out/kymux.txt"

if [ -z "${REF_INGEST:-}" ]; then
  if [ "${REF:-node}" = netty ]; then
    small=""; [ "${KYMUX_SMALL:-}" = 1 ] && small=@kymux-app/small-server.jvmopts
    java $small ${SERVER_JAVA_OPTS:-} -cp kymux-bench/target/kymux-benchmarks.jar io.kymux.bench.BareNettyTsRelay \
      18891 18892 > "$out/ref.log" 2>&1 &
  else
    node kymux-bench/ts-reference-relay.js 18891 18892 > "$out/ref.log" 2>&1 &
  fi
  ref_pid=$!
  REF_INGEST=http://127.0.0.1:18891/bench REF_WATCH=ws://127.0.0.1:18892/ REF_PID=$ref_pid
  sleep 1
fi
./kymux bench --transport ts --ts-ingest "$REF_INGEST" --ts-watch "$REF_WATCH" --relay-pid "$REF_PID" \
  --json "$out/ref.json" "$@" | grep -v ' INFO \|LoggerImpl' > "$out/ref.txt"

cat "$out/kymux.txt"; echo; cat "$out/ref.txt"; echo
python3 - "$out/kymux.json" "$out/ref.json" <<'PY'
import json, sys
print("| relay | fast p50 / p99 | fast frames dropped (in warm-up) | slow p50 / p99 / max | slow frames dropped (in warm-up) | relay CPU | relay RSS |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, path in (("kymux /ts/", sys.argv[1]), ("reference", sys.argv[2])):
    r = json.load(open(path)); n, s = r["normal"], r["slow"]
    ms = lambda us: "%.2f" % (us / 1000)
    print(f"| {name} | {ms(n['p50Us'])} / {ms(n['p99Us'])} ms | {n['framesDropped']} ({n['warmupDropped']}) | {ms(s['p50Us'])} / {ms(s['p99Us'])} / {ms(s['maxUs'])} ms"
          f" | {s['framesDropped']} ({s['warmupDropped']}) | {r['relayCpuPercent'] / 100:.2f} cores | {r['relayRssPeakBytes'] >> 20} MB |")
PY
