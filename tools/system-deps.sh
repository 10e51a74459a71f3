#!/usr/bin/env bash
# Installs the C libraries the Swift package links (Debian's libhdf5-dev, libopenblas-dev, libsleef-dev, libdnnl-dev)
# when they are missing. Run by tools/test.sh, tools/replay.sh and tools/benchmark.sh; does nothing when pkg-config already
# finds the first three and oneDNN's header is there (it has no pkg-config file).
set -euo pipefail
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists hdf5 openblas sleef \
  && [ -f /usr/include/oneapi/dnnl/dnnl.h ]; then
  exit 0
fi
echo "tools/system-deps.sh: installing libhdf5-dev libopenblas-dev libsleef-dev libdnnl-dev pkg-config (apt-get)" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "tools/system-deps.sh: need root or sudo to apt-get install" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends libhdf5-dev libopenblas-dev libsleef-dev libdnnl-dev pkg-config >&2
pkg-config --exists hdf5 openblas sleef || { echo "tools/system-deps.sh: pkg-config still finds no hdf5/openblas/sleef" >&2; exit 1; }
[ -f /usr/include/oneapi/dnnl/dnnl.h ] || { echo "tools/system-deps.sh: libdnnl-dev installed no oneapi/dnnl/dnnl.h" >&2; exit 1; }
