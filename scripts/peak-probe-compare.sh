#!/usr/bin/env bash
# Alternates the C reference FMA probe (scripts/peak-probe.sh) with the probe
# of `recur bench` (the `peak` figures: one core at start-up, then all the
# threads of each configuration) and prints both, with the load average
# before each run, so they can be compared from one session.
#
#   scripts/peak-probe-compare.sh                       # 3 rounds, .build/release/recur
#   scripts/peak-probe-compare.sh 5 path/to/recur       # 5 rounds, another binary
#
# Builds nothing but the C probe: run `swift build -c release --product recur`
# first. The bench runs a tiny model (hidden 32, 1 layer, 2 steps) at 1 and
# 2.. cores threads; only its probe figures are printed. Needs python3 for
# the bench's JSON. Numbers are only meaningful on an otherwise idle machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
recur="${2:-$root/.build/release/recur}"
cores="$(getconf _NPROCESSORS_ONLN)"
threads="$(seq -s, 1 "$cores")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cc -O2 -march=native -pthread -o "$work/fma_probe" "$root/Benchmarks/peak-probe/fma_probe.c"
for round in $(seq 1 "$rounds"); do
    echo "== round $round: load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$work/fma_probe" "$cores" 5 0.3 | grep -E '^(fma_probe|threads [0-9]+:)'
    echo "-- recur bench: load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$recur" bench --threads "$threads" --batch-size 16 --hidden 32 --layers 1 --steps 2 --warmup 1 --repeats 1 \
        --json "$work/bench.json" > /dev/null
    python3 - "$work/bench.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
print(f"recur bench ({report['machine'].get('backend', '?')}): one core at start-up: "
      f"{report['settings']['fmaPeakGFLOPSPerCore']:.1f} GFLOP/s")
for result in report["results"]:
    print(f"recur bench: threads {result['configuration']['threads']}: {result['fmaPeakGFLOPS']:.1f} GFLOP/s")
PY
done
