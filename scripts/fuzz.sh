#!/usr/bin/env bash
# Fuzzes the profile engine (parse -> resolve -> compile -> evaluate) with libFuzzer for a
# short, fixed time. Configures build/fuzz with clang (-DSC_FUZZ=ON -DSC_SANITIZE=ON), builds
# only the fuzz target, seeds it with the shared profiles and tests/fuzz/seeds.
# Exits non-zero when the fuzzer finds a crash (the reproducer is left in build/fuzz/).
#   scripts/fuzz.sh                 60 seconds
#   SC_FUZZ_SECONDS=300 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${SC_FUZZ_SECONDS:-60}
shared=${SC_SHARED_DIR:-$root/../shared}

CC=clang CXX=clang++ cmake -S "$root" -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSC_FUZZ=ON -DSC_SANITIZE=ON -DSC_BUILD_BENCH=OFF -DSC_SHARED_DIR="$shared" >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target profile_fuzzer >/dev/null

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$shared"/profiles/*.json tests/fuzz/seeds/*.json "$corpus"/

echo "fuzzing the profile engine for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  build/fuzz/tests/fuzz/profile_fuzzer -max_total_time="$seconds" -max_len=32768 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/profile.dict \
  -artifact_prefix=build/fuzz/ "$corpus" 2>build/fuzz/fuzz.log || {
    tail -60 build/fuzz/fuzz.log >&2
    echo "fuzz: the fuzzer found a failure; reproducer in build/fuzz/" >&2
    exit 1
  }
grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' build/fuzz/fuzz.log | tail -2 || true
echo "fuzz: no failure in ${seconds}s"
