#!/usr/bin/env bash
# The UEA/UCR results table: Recur and PyTorch with one fixed configuration
# (--cell gru --hidden 64 --layers 1 --head last --batch-size 16 --lr 0.001
# --epochs 100, per-feature standardisation) on BasicMotions, JapaneseVowels
# and GunPoint, seeds 0-4: test accuracy after the last epoch, mean and range,
# and the training time per seed. Prints each run, then a markdown table.
#
#   scripts/uea-results.sh                               # both, 3 data sets, 5 seeds, 2 threads
#   scripts/uea-results.sh --datasets GunPoint --seeds 0-1 --only recur
#   RECUR=out/recur UEA_DIR=/data/uea scripts/uea-results.sh
#
# The data sets are read from $UEA_DIR (default ../shared/data/uea), one
# folder each with NAME_TRAIN.ts and NAME_TEST.ts (aeon ships them in
# aeon/datasets/data/). Builds recur in release mode unless $RECUR names one;
# installs PyTorch with pip when python3 lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${UEA_DIR:-../shared/data/uea} datasets=BasicMotions,JapaneseVowels,GunPoint seeds=0-4 threads=2 only=both epochs=100
while [ $# -gt 0 ]; do
    case "$1" in
        --datasets) datasets="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        *) echo "uea-results.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$seeds" in *-*) seed_list=$(seq "${seeds%-*}" "${seeds#*-}") ;; *) seed_list=${seeds//,/ } ;; esac
config=(--cell gru --hidden 64 --layers 1 --head last --batch-size 16 --lr 0.001 --epochs "$epochs")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
if [ "$only" != pytorch ]; then
    if [ -z "${RECUR:-}" ]; then
        swift build -c release --product recur >&2
        RECUR=.build/release/recur
    fi
    for name in ${datasets//,/ }; do
        for seed in $seed_list; do
            line=$("$RECUR" train --data "$data/$name" "${config[@]}" --seed "$seed" --threads "$threads" --json | tail -n 1)
            accuracy=$(printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["test_accuracy"])')
            seconds=$(printf '%s' "$line" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["seconds"])')
            rate=$(printf '%s' "$line" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["samples_per_second"]))')
            echo "recur $name seed $seed: test accuracy $(python3 -c "print(f'{$accuracy*100:.2f}%, {$seconds:.2f} s')") (evaluating every epoch), $rate training samples/s"
            echo "recur $name $seed $accuracy $seconds" >> "$results"
        done
    done
fi
if [ "$only" != recur ]; then
    python3 -c "import torch" 2>/dev/null || python3 -m pip install torch
    python3 scripts/uea-pytorch.py --data "$data" --datasets "$datasets" --seeds "$seeds" --threads "$threads" --epochs "$epochs" \
        | tee -a /dev/stderr | sed -nE 's/^pytorch ([A-Za-z]+) seed ([0-9]+): test accuracy ([0-9.]+)%, ([0-9.]+) s.*/pytorch \1 \2 \3 \4/p' \
        | awk '{ printf "%s %s %s %s %s\n", $1, $2, $3, $4 / 100, $5 }' >> "$results"
fi
echo
echo "| data set | Recur test accuracy, mean (range) | Recur s per seed | PyTorch test accuracy, mean (range) | PyTorch s per seed |"
echo "|---|---|---|---|---|"
python3 - "$results" "$datasets" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
def cell(tool, name):
    r = [(float(a) * 100, float(s)) for t, n, _, a, s in rows if t == tool and n == name]
    if not r:
        return "", ""
    acc = [a for a, _ in r]
    return f"{sum(acc) / len(acc):.1f}% ({min(acc):.1f}-{max(acc):.1f})", f"{sum(s for _, s in r) / len(r):.2f}"
for name in sys.argv[2].split(","):
    ra, rs = cell("recur", name)
    pa, ps = cell("pytorch", name)
    print(f"| {name} | {ra} | {rs} | {pa} | {ps} |")
PY
