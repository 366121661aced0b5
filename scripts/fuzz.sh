#!/usr/bin/env bash
# Fuzzes, with libFuzzer for a short, fixed time split between them: the profile engine (parse
# -> resolve -> compile -> evaluate), seeded with the shared profiles and tests/fuzz/seeds; and
# the daemon's path of untrusted bytes (audit record -> journal -> state -> metrics -> reports),
# seeded with tests/fuzz/record_seeds; and every other reader of untrusted or hand-edited bytes
# (state.json, the journal, registry entries, --container_info, the cgroup rules file, the
# label/HTML/Markdown escapers: inputs_fuzzer, seeded with tests/fuzz/inputs_seeds). Configures
# build/fuzz with clang (-DSC_FUZZ=ON -DSC_SANITIZE=ON) and builds only the fuzz targets.
# The profile fuzzer is differential: each compiled filter's verdicts (the cBPF evaluator) are
# compared with the profile's own semantics (verdict_of) over several contexts, and a mismatch
# is a failure like a crash. Every run starts from the seeds kept in the tree (tests/fuzz/seeds,
# record_seeds, inputs_seeds: what earlier runs found, minimised); SC_FUZZ_UPDATE_SEEDS=1 merges
# what this run found back into them (libFuzzer -merge=1: only inputs that add coverage).
# Exits non-zero when the fuzzer finds a crash (the reproducer is left in build/fuzz/).
#   scripts/fuzz.sh                 60 seconds in all (a third each)
#   SC_FUZZ_SECONDS=300 scripts/fuzz.sh
#   SC_FUZZ_SECONDS=600 SC_FUZZ_UPDATE_SEEDS=1 scripts/fuzz.sh   then commit the new seeds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${SC_FUZZ_SECONDS:-60}
shared=${SC_SHARED_DIR:-$root/../shared}

# SC_FUZZ_BUILD_DIR: a tree already configured with clang, -DSC_FUZZ=ON and -DSC_SANITIZE=ON
# (scripts/test.sh's sanitizer tree is one: the fuzzers are built there with everything else).
build=${SC_FUZZ_BUILD_DIR:-build/fuzz}
if [ -z "${SC_FUZZ_BUILD_DIR:-}" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSC_FUZZ=ON -DSC_SANITIZE=ON -DSC_BUILD_BENCH=OFF -DSC_SHARED_DIR="$shared" >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target profile_fuzzer record_fuzzer inputs_fuzzer >/dev/null

corpus=$(mktemp -d)
records=$(mktemp -d)
inputs=$(mktemp -d)
trap 'rm -rf "$corpus" "$records" "$inputs"' EXIT
cp "$shared"/profiles/*.json tests/fuzz/seeds/* "$corpus"/
cp tests/fuzz/record_seeds/* "$records"/
cp tests/fuzz/inputs_seeds/* "$inputs"/
third=$(( seconds / 3 > 0 ? seconds / 3 : 1 ))

# run_fuzzer NAME SECONDS CORPUS [libFuzzer flags...]
run_fuzzer() {
  local name=$1 secs=$2 dir=$3
  shift 3
  echo "fuzzing ${name} for ${secs}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build"/tests/fuzz/"$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build"/ "$@" "$dir" 2>"$build"/"$name".log || {
      tail -60 "$build"/"$name".log >&2
      echo "fuzz: ${name} found a failure; reproducer in $build/" >&2
      exit 1
    }
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$build"/"$name".log | tail -2 || true
}
# keep_seeds NAME SEEDS_DIR CORPUS: with SC_FUZZ_UPDATE_SEEDS=1, the inputs of CORPUS that add
# coverage to SEEDS_DIR are copied into it (named by their SHA-1, as libFuzzer does).
keep_seeds() {
  [ "${SC_FUZZ_UPDATE_SEEDS:-0}" = 1 ] || return 0
  local before
  before=$(find "$2" -type f | wc -l)
  "$build"/tests/fuzz/"$1" -merge=1 -max_len=32768 "$2" "$3" 2>>"$build"/"$1".log >/dev/null
  echo "fuzz: ${1}: $(( $(find "$2" -type f | wc -l) - before )) new seed(s) in $2"
}
run_fuzzer profile_fuzzer "$third" "$corpus" -max_len=32768 -dict=tests/fuzz/profile.dict
run_fuzzer record_fuzzer "$third" "$records" -max_len=8192
run_fuzzer inputs_fuzzer $(( seconds - 2 * third > 0 ? seconds - 2 * third : 1 )) "$inputs" -max_len=8192
keep_seeds profile_fuzzer tests/fuzz/seeds "$corpus"
keep_seeds record_fuzzer tests/fuzz/record_seeds "$records"
keep_seeds inputs_fuzzer tests/fuzz/inputs_seeds "$inputs"
echo "fuzz: no failure in ${seconds}s"
