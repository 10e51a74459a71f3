#!/usr/bin/env bash
# Measures how much the numbers move with the BLAS kernel and thread count alone, to set the gate's two tolerances
# (docs/GATE.md): `bash tools/measure_spread.sh regeneration|replay [OUT]`.
#   regeneration: regenerates every fixture once per variant below and compares each with the committed fixtures/
#                 (tools/check_regeneration.py --measure);
#   replay:       runs `replay --write-baseline` once per variant and prints the spread of every tensor's
#                 max error/bound across them (tools/baseline_spread.py).
# Each variant sets one variable for that one command only. A variant this CPU cannot run (SkylakeX's AVX-512
# kernels on an AVX2-only CPU die with SIGILL in the Swift replay) is reported and skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what=${1:?regeneration or replay}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
python=$(bash tools/venv.sh)
variants=(
  "OPENBLAS_NUM_THREADS=1" "OPENBLAS_NUM_THREADS=2"
  "OPENBLAS_CORETYPE=Haswell" "OPENBLAS_CORETYPE=SkylakeX" "OPENBLAS_CORETYPE=Zen" "OPENBLAS_CORETYPE=Sandybridge"
)
case "$what" in
  regeneration)
    variants+=("OMP_NUM_THREADS=1" "ATEN_CPU_CAPABILITY=default" "MKL_ENABLE_INSTRUCTIONS=AVX")
    for v in "${variants[@]}"; do
      echo "== $v"
      env "$v" "$python" tools/check_regeneration.py --keep "$out/$v" --measure > "$out/$v.txt" 2>&1 || true
      grep -E '^float|passed|FAILED' "$out/$v.txt" || true
    done ;;
  replay)
    swift build --product replay >&2
    .build/debug/replay --write-baseline "$out/unset.json" >/dev/null
    for v in "${variants[@]}"; do
      env "$v" .build/debug/replay --write-baseline "$out/$v.json" >/dev/null 2>"$out/$v.log" \
        || echo "$v: replay failed with status $? (skipped; $(grep -m1 -o 'Illegal instruction\|Crash.*' "$out/$v.log" || true))"
    done
    "$python" tools/baseline_spread.py "$out"/*.json ;;
  *) echo "usage: bash tools/measure_spread.sh regeneration|replay [OUT]" >&2; exit 2 ;;
esac
