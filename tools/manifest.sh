#!/usr/bin/env bash
# Rewrites fixtures/MANIFEST.sha256, the SHA-256 of every committed fixture (`sha256sum` format). The harness
# checks a listed file against it before libhdf5 opens it, so a fixture corrupted on disk is a one-line error.
# tools/regenerate.sh runs it after writing fixtures; run it alone after adding a fixture file by hand.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures"
LC_ALL=C sha256sum -- *.h5 | LC_ALL=C sort -k2 > MANIFEST.sha256
echo "wrote fixtures/MANIFEST.sha256 ($(wc -l < MANIFEST.sha256) files)" >&2
