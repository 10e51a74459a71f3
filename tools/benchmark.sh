#!/usr/bin/env bash
# The LSTM forward benchmark, Swift and PyTorch side by side in one run, at the notebook's sizes
# (batch 256, 28 steps of 28 inputs, hidden 256, two layers, float32). Arguments go to both sides.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/system-deps.sh
python=$(bash tools/venv.sh)
swift build -c release --product LSTMBenchmark >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OpenBLAS $(pkg-config --modversion openblas)"
.build/release/LSTMBenchmark "$@"
"$python" tools/bench_lstm.py "$@"
