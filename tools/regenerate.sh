#!/usr/bin/env bash
# Regenerates fixtures from the PyTorch replays: `bash tools/regenerate.sh [family ...]`, e.g. `lstm`.
# Creates the pinned environment tools/.venv when missing. Review the diff before committing:
#   git diff --stat fixtures/ && bash tools/replay.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=$(bash tools/venv.sh)
families=("$@")
if [ ${#families[@]} -eq 0 ]; then
  for script in tools/replay_*.py; do families+=("$(basename "$script" .py | sed 's/^replay_//')"); done
fi
for family in "${families[@]}"; do
  script="tools/replay_${family}.py"
  [ -f "$script" ] || { echo "no $script (families: $(ls tools/replay_*.py | sed 's/.*replay_//; s/\.py//' | tr '\n' ' '))" >&2; exit 2; }
  "$python" "$script"   # each script writes its own fixtures/<notebook>.h5
done
bash tools/manifest.sh   # the SHA-256 of every fixture, checked before libhdf5 opens one
