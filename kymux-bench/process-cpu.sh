#!/usr/bin/env bash
# The CPU a command uses, in cores, over SECONDS after a 5 s warm-up (utime + stime from
# /proc), then stops it. Bounded: the command is killed when the measurement ends.
#   kymux-bench/process-cpu.sh 20 -- ./kymux capture test --renditions … --to ws://…
set -euo pipefail
secs=$1; shift 2
"$@" > /dev/null 2>&1 &
pid=$!
sleep 5
t0=$(awk '{print $14+$15}' /proc/$pid/stat); sleep $secs; t1=$(awk '{print $14+$15}' /proc/$pid/stat)
kill $pid; wait $pid 2>/dev/null || true
echo "cores: $(echo "scale=3; ($t1-$t0)/$(getconf CLK_TCK)/$secs" | bc)"
