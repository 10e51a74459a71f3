#!/usr/bin/env bash
# The notebook-size tier (tools/notebook_sizes.py, docs/FIXTURES.md): training replays at the notebooks' own layer
# sizes with every gradient and parameter recorded, too large to commit (about 800 MB).
#   bash tools/notebook_sizes.sh [replay options]   # build into .build/notebook-sizes/, check against the committed
#                                                   # digests, replay with the Swift `replay` (options passed to it)
#   bash tools/notebook_sizes.sh --digest           # build, then rewrite fixtures/notebook-sizes/ deliberately
# Needs the pinned Python environment (tools/venv.sh creates it when missing). Exit 0 when the check and the replay
# both pass, 1 when either fails, 2 when the tier cannot be built or replayed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${NOTEBOOK_SIZES_OUT:-.build/notebook-sizes}
python=$(bash tools/venv.sh) || exit 2
"$python" tools/notebook_sizes.py build --out "$out" || exit 2
if [ "${1:-}" = --digest ]; then
  exec "$python" tools/notebook_sizes.py digest --out "$out"
fi
status=0
"$python" tools/notebook_sizes.py check --out "$out" || status=1
{ bash tools/system-deps.sh && swift build --product replay >&2; } || exit 2
.build/debug/replay "$out" "$@"
replayed=$?
[ $replayed -eq 0 ] || status=$replayed
exit $status
