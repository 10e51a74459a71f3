#!/usr/bin/env bash
# The main job: installs the system libraries when missing, builds, and replays every committed fixture,
# printing the conformance table. Arguments go to `replay` (fixture files or folders, --filter, --json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/system-deps.sh
swift build --product replay >&2
exec .build/debug/replay "$@"
