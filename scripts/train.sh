#!/usr/bin/env bash
# Trains the seed model on MNIST with the defaults (2 epochs, batch 64, Adam
# 1e-3, 2 layers of 256, every physical core) on a fresh Debian/Ubuntu machine:
# installs missing packages, finds or fetches MNIST, builds in release mode and
# runs `recur train` with any extra arguments, e.g.
#   scripts/train.sh --threads 8 --save model.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

recur_install_system_packages
recur_require_swift
data=$(recur_mnist_directory "$@")
swift build -c release --product recur >&2
export MNIST_DIR="$data"
exec .build/release/recur train "$@"
