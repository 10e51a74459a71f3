#!/usr/bin/env bash
# The issue-12 benchmark table: every case in Swift (release build) and PyTorch (tools/.venv torch, 2 threads),
# rounds interleaved, with the machine, the BLAS and its kernel, the peak sgemm and the load seen.
#
#   bash tools/benchmark.sh [--rounds 5] [--repeats 5] [case ...]     (cases: see tools/bench_run.py; default all)
#
# A benchmark, not a test: nothing in `swift test` depends on timing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/system-deps.sh
python=$(bash tools/venv.sh)
swift build -c release --product LayerBenchmark >&2
exec "$python" tools/bench_run.py "$@"
