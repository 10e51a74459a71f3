#!/usr/bin/env bash
# The test command: installs the system libraries when missing, then `swift test` (no Python needed: the
# fixtures are committed). Extra arguments go to `swift test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/system-deps.sh
exec swift test "$@"
