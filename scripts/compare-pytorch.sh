#!/usr/bin/env bash
# Recur against PyTorch's CPU build on the seed model, in the same minutes:
# runs `recur bench` and scripts/compare-pytorch.py alternately (--rounds
# times, default 3) at the same thread counts and batch size, for each cell
# of --cells (the seed's 2 layers of 256, head over every step), then prints
# each run's samples/s and the ratio of the medians.
#
#   scripts/compare-pytorch.sh                          # tanh RNN, threads 1,2, batch 64, 3 rounds
#   scripts/compare-pytorch.sh --cells rnn,lstm,gru     # each cell
#   scripts/compare-pytorch.sh --threads 1,2,4 --batch-size 256 --rounds 5
#   scripts/compare-pytorch.sh --torch-bind none        # leave PyTorch's threads unbound
#   RECUR=out/recur scripts/compare-pytorch.sh          # a prebuilt binary
#
# Recur pins its workers to cores, so PyTorch's OpenMP threads are bound to
# cores too by default (OMP_PROC_BIND=close OMP_PLACES=cores): on the 2-core
# Zen 5 VM its LSTM at 2 threads ran at 1 400-1 500 samples/s unbound and at
# up to 2 440 bound. Each figure is printed; the summary gives the ratio of
# the medians and of the best runs, and every run's figure.
#
# Installs PyTorch with pip when python3 lacks it (`pip install torch`; its
# CPU build is enough). Builds recur in release mode unless $RECUR names one.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1,2 batch=64 rounds=3 cells=rnn bind=cores
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --batch-size) batch="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --cells) cells="$2"; shift 2 ;;
        --torch-bind) bind="$2"; shift 2 ;;
        *) echo "compare-pytorch.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$bind" in
    cores) torch_env=(env OMP_PROC_BIND=close OMP_PLACES=cores) ;;
    none) torch_env=(env) ;;
    *) echo "compare-pytorch.sh: --torch-bind takes cores or none, not $bind" >&2; exit 2 ;;
esac
python3 -c "import torch" 2>/dev/null || python3 -m pip install torch
if [ -z "${RECUR:-}" ]; then
    swift build -c release --product recur >&2
    RECUR=.build/release/recur
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
    for cell in ${cells//,/ }; do
        # The per-configuration lines are bench's progress, on stderr.
        "$RECUR" bench --cell "$cell" --threads "$threads" --batch-size "$batch" --steps 30 --repeats 3 2>&1 \
            | grep -E '^[0-9]+ threads?, batch' \
            | sed -E "s/^([0-9]+) threads?, batch ([0-9]+).*: ([0-9]+) samples\/s\$/recur $cell \1 \2 \3/" \
            | tee -a "$results"
        "${torch_env[@]}" python3 scripts/compare-pytorch.py --cell "$cell" --threads "$threads" --batch-size "$batch" \
            | sed -E "s/^pytorch [^ ]+ [a-z]+ threads ([0-9]+) batch ([0-9]+): ([0-9]+) samples\/s\$/pytorch $cell \1 \2 \3/" \
            | tee -a "$results"
    done
done
python3 - "$results" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    who, cell, threads, batch, rate = line.split()
    rates.setdefault((cell, int(threads), int(batch)), {}).setdefault(who, []).append(int(rate))
for (cell, threads, batch), by in sorted(rates.items()):
    recur, torch = statistics.median(by["recur"]), statistics.median(by["pytorch"])
    print(f"{cell} threads {threads} batch {batch}: Recur {recur:.0f}, PyTorch {torch:.0f} samples/s (medians of "
          f"{len(by['recur'])} runs): {recur / torch:.2f}x; best runs {max(by['recur'])} and {max(by['pytorch'])}: "
          f"{max(by['recur']) / max(by['pytorch']):.2f}x; runs Recur {by['recur']}, PyTorch {by['pytorch']}")
PY
