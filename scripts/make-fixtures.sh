#!/usr/bin/env bash
# Installs PyTorch, safetensors and numpy with pip when python3 lacks them,
# then runs scripts/make-fixtures.py with the given arguments (see its --help):
#
#   scripts/make-fixtures.sh                 write every fixture into fixtures/
#   scripts/make-fixtures.sh --check DIR     recompute the fixtures in DIR and compare
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import torch, safetensors, numpy" 2>/dev/null; then
    python3 -m pip install torch safetensors numpy
fi
exec python3 scripts/make-fixtures.py "$@"
