#!/usr/bin/env bash
# Builds the Debian package from a configured and built tree (default build/main):
#   scripts/package.sh [BUILD_DIR]
# Runs cpack -G DEB there and prints the .deb's path. Needs dpkg-dev and file
# (scripts/bootstrap.sh installs them). Install it with: apt install ./PATH.deb
set -euo pipefail
build=${1:-build/main}
[ -f "$build/CPackConfig.cmake" ] || { echo "package: $build is not a configured build tree (cmake -S . -B $build)" >&2; exit 2; }
cmake --build "$build" -j"$(nproc)"
(cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log" >&2; echo "package: cpack failed" >&2; exit 1; }
ls "$build"/seccomp-companion_*.deb
