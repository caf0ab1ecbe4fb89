#!/usr/bin/env bash
# Runs the whole test suite: installs missing packages, builds, tests.
# Tests that need MNIST or the PyTorch fixtures read $MNIST_DIR (default
# ../shared/data/mnist) and $RECUR_FIXTURES, else ../shared/fixtures, else
# fixtures/ (scripts/make-fixtures.py); with CI=true a missing one fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

recur_install_system_packages
recur_require_swift
swift build --build-tests
swift test --skip-build "$@"
