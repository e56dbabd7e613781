#!/usr/bin/env bash
# Thin links for `kymux bench --slow-local-port`, shaped by the kernel rather than by the
# bench's own reads (which slow down whenever the 2 shared cores are busy).
#
# Makes a network namespace for the server, a veth pair to it, and on the namespace's
# side (server -> viewers) an HTB class per slow viewer, matched by that viewer's local
# port. Every other flow (ingest, normal viewers, acks) is unshaped. Needs root and
# iproute2; touches nothing outside the namespace and the veth pair it makes.
#
#   kymux-bench/thin-links.sh up COUNT BASE_PORT RATE    e.g. up 10 42000 2mbit
#   ip netns exec kymuxbench ./kymux server --bind 10.77.0.2 --port 18888 --quic-port 0 --webrtc-port 0 &
#   ./kymux bench --target http://10.77.0.2:18888 --viewers 100 --slow-fraction 0.1 --slow-local-port 42000
#   kymux-bench/thin-links.sh down
set -euo pipefail

NS=kymuxbench
HOST_IF=kyb0
NS_IF=kyb1
HOST_IP=10.77.0.1
SERVER_IP=10.77.0.2

in_ns() { ip netns exec "$NS" "$@"; }

case "${1:-}" in
up)
    count=${2:?COUNT}; base=${3:?BASE_PORT}; rate=${4:?RATE}
    ip netns add "$NS"
    ip link add "$HOST_IF" type veth peer name "$NS_IF"
    ip link set "$NS_IF" netns "$NS"
    ip addr add "$HOST_IP/30" dev "$HOST_IF"
    ip link set "$HOST_IF" up
    in_ns ip addr add "$SERVER_IP/30" dev "$NS_IF"
    in_ns ip link set "$NS_IF" up
    in_ns ip link set lo up
    # segments, not 64 KB offload bursts: a class sends a whole burst at once and then
    # owes for it, so a frame crossed at wire speed and the next waited 250 ms
    in_ns ip link set "$NS_IF" gso_max_size 1500
    # no default class: unmatched packets bypass the shaper
    in_ns tc qdisc add dev "$NS_IF" root handle 1: htb
    for ((i = 0; i < count; i++)); do
        in_ns tc class add dev "$NS_IF" parent 1: classid "1:$((100 + i))" htb rate "$rate" ceil "$rate"
        in_ns tc filter add dev "$NS_IF" parent 1: protocol ip u32 \
            match ip protocol 6 0xff match ip dport "$((base + i))" 0xffff flowid "1:$((100 + i))"
    done
    echo "server address $SERVER_IP (run it with: ip netns exec $NS ...); $count links of $rate from port $base"
    ;;
down)
    ip link del "$HOST_IF" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ;;
show)
    in_ns tc -s class show dev "$NS_IF"
    ;;
*)
    echo "usage: $0 up COUNT BASE_PORT RATE | down | show" >&2
    exit 2
    ;;
esac
