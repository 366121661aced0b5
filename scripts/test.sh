#!/usr/bin/env bash
# Installs what is missing, builds seccomp-companion twice (a normal build and one under
# AddressSanitizer + UndefinedBehaviorSanitizer), runs the fuzzer briefly, and runs every
# test in both builds. The last lines are ctest's summary of the normal build.
#   scripts/test.sh            all of it
#   SC_SKIP_SANITIZE=1 ...     only the normal build (quicker while developing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

bash scripts/bootstrap.sh

build() {  # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" 2>&1 | grep -E 'warning|error' && { echo "build $dir: warnings or errors" >&2; return 1; } || true
  cmake --build "$dir" -j"$jobs" >/dev/null
}

status=0
if [ "${SC_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build with ASan+UBSan (build/sanitize)"
  build build/sanitize -DSC_SANITIZE=ON -DSC_BUILD_BENCH=OFF
  echo "== tests under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/sanitize --output-on-failure -j2 --timeout 300 || status=1
fi

if [ -x scripts/fuzz.sh ] && [ "${SC_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzing (short, fixed time)"
  scripts/fuzz.sh || status=1
fi

echo "== build (build/main)"
build build/main
echo "== tests"
ctest --test-dir build/main --output-on-failure -j2 --timeout 300 || status=1
exit $status
