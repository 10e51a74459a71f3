#!/usr/bin/env bash
# Creates tools/.venv from tools/requirements.txt when it is missing or stale, then prints its python.
set -euo pipefail
tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv="$tools/.venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$tools/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "tools/venv.sh: creating $venv from tools/requirements.txt" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$tools/requirements.txt" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
