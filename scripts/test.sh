#!/usr/bin/env bash
# Installs what is missing, builds seccomp-companion twice (a normal build and one under
# AddressSanitizer + UndefinedBehaviorSanitizer with clang, which also holds the libFuzzer
# targets), runs the fuzzers briefly, and runs every test in both builds. The last lines are ctest's summary of the normal build.
#   scripts/test.sh            all of it
#   SC_SKIP_SANITIZE=1 ...     only the normal build (quicker while developing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

# Wall time of each phase, printed before ctest's closing lines (CI must stay under 20 min).
timings=()
phase_start=$SECONDS
phase_done() { timings+=("$(printf '%-28s %4d s' "$1" $((SECONDS - phase_start)))"); phase_start=$SECONDS; }

echo "== kernel: $(uname -r) ($(uname -v))"
bash scripts/bootstrap.sh
phase_done "install (bootstrap)"

# The tracer's hook plan on this kernel, each BPF program loaded on its own: a kernel build
# whose verifier rejects one of them is named here, before any test (the drift guard test,
# BpfProgramLoad.*, fails on it too).
hook_plan() {  # hook_plan BUILD_DIR
  if [ "$(id -u)" -eq 0 ]; then
    echo "== tracer hook plan (seccomp-audit hooks)"
    "$1/bin/seccomp-audit" hooks || echo "(no tracer program usable on this kernel)"
  fi
}

build() {  # build DIR [cmake args...]: fails on any compiler warning, showing its context
  local dir=$1; shift
  # Ninja for a new tree: it schedules both cores across targets (make waits at each
  # target's boundary); a tree configured before keeps its generator.
  local generator=()
  [ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
  cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  mkdir -p "$dir"
  if ! cmake --build "$dir" -j"$jobs" >"$dir/build.log" 2>&1; then
    grep -E -B5 -A5 'error|Error' "$dir/build.log" | tail -n 80 >&2
    echo "build $dir: failed (full log: $dir/build.log)" >&2
    return 1
  fi
  if grep -q 'warning:' "$dir/build.log"; then
    grep -E -B8 -A3 'warning:' "$dir/build.log" | head -n 120 >&2
    echo "build $dir: compiler warnings (the build must be warning-free; log: $dir/build.log)" >&2
    return 1
  fi
}

# ctest starts the longest tests first when it knows their times (Testing/Temporary/
# CTestCostData.txt, which it keeps up to date after each run). A fresh tree gets the times of
# a CI run (tests/ctest-cost/): the minute-long end-to-end tests then no longer run alone at
# the end while the other lane is idle.
seed_test_costs() {  # seed_test_costs BUILD_DIR FILE
  local into=$1/Testing/Temporary
  [ -f "$into/CTestCostData.txt" ] && return 0
  mkdir -p "$into" && cp "$2" "$into/CTestCostData.txt"
}

# Each failed test's assertions, gathered from ctest's LastTest.log for the end of the run:
# a reader of a CI log that keeps only its beginning and its end still sees why (ctest's
# --output-on-failure prints them where they happened, in the middle).
failure_digest() {  # failure_digest BUILD_DIR
  local log=$1/Testing/Temporary/LastTest.log
  [ -f "$log" ] || return 0
  awk -v tree="$1" '
    /^[0-9]+\/[0-9]+ Test: / { name = $0; sub(/^[0-9]+\/[0-9]+ Test: /, "", name); n = 0; split("", out); next }
    /^Output:$/ { inside = 1; getline; next }
    /^<end of output>$/ { inside = 0; next }
    inside { out[n++] = $0; next }
    /^Test time = / { timed = 1; next }
    timed && /^-+$/ { next }
    timed {
      timed = 0
      if ($0 ~ /^Test Pass/) next  # "Test Passed." or "Test Pass Reason:" (a PASS_REGULAR_EXPRESSION)
      printf "-- %s: %s (%s)\n", tree, name, $0
      shown = 0; after = 0
      for (i = 0; i < n && shown < 40; ++i) {
        line = out[i]
        if (line ~ /: Failure$|failed \(exit/) after = 7
        if (after > 0 || line ~ /ERROR: AddressSanitizer|runtime error:|FAILED: |failed \(exit|Timeout|[Tt]imed out/) {
          print "   " line; ++shown
        }
        if (after > 0) --after
      }
      if (shown == 0) for (i = (n > 15 ? n - 15 : 0); i < n; ++i) print "   " out[i]
    }' "$log"
}

status=0
if [ "${SC_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build with ASan+UBSan, and the fuzzers (build/sanitize, clang)"
  # -O1 -gline-tables-only: the usual ASan setting; stack traces with lines, fast to compile.
  # clang, so that the libFuzzer targets are built in this same tree (one build, not two).
  (export CC=clang CXX=clang++
   build build/sanitize -DSC_SANITIZE=ON -DSC_FUZZ=ON -DSC_BUILD_BENCH=OFF \
     -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only")
  phase_done "build (ASan+UBSan)"
  hook_plan build/sanitize
  echo "== tests under ASan+UBSan"
  seed_test_costs build/sanitize tests/ctest-cost/sanitize.txt
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/sanitize --output-on-failure -j2 --timeout 300 || status=1
  phase_done "tests (ASan+UBSan)"
fi

# The fuzzers run beside the normal build: a fixed-time smoke test on one core, which the
# build would otherwise wait for. Not niced: starved of CPU, one input would outlast
# libFuzzer's 10 s per-input timeout (seen: "timeout after 13 seconds" at nice 19).
fuzz_pid=
if [ -x scripts/fuzz.sh ] && [ "${SC_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzing (short, fixed time; beside the normal build, output at its end)"
  # 45 s in this run (CI time), a third each for the profile, record and inputs fuzzers;
  # scripts/fuzz.sh alone fuzzes 60 s, SC_FUZZ_SECONDS=N for longer.
  fuzz_tree=()
  [ "${SC_SKIP_SANITIZE:-0}" != 1 ] && fuzz_tree=(SC_FUZZ_BUILD_DIR=build/sanitize)
  mkdir -p build
  env "${fuzz_tree[@]}" SC_FUZZ_SECONDS=${SC_FUZZ_SECONDS:-45} scripts/fuzz.sh >build/fuzz.log 2>&1 &
  fuzz_pid=$!
fi

echo "== build (build/main)"
# In CI, no debug info in the normal tree (nothing reads it there; it is a third of the
# build's time); elsewhere the usual RelWithDebInfo.
main_flags=()
[ "${CI:-}" = true ] && main_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g0 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g0 -DNDEBUG")
build build/main "${main_flags[@]}"
phase_done "build (normal)"
if [ -n "$fuzz_pid" ]; then
  fuzz_status=0
  wait "$fuzz_pid" || fuzz_status=$?
  cat build/fuzz.log
  [ "$fuzz_status" = 0 ] || { echo "fuzzing failed (exit $fuzz_status; log: build/fuzz.log)" >&2; status=1; }
  phase_done "fuzzing (after the build)"
fi
[ "${SC_SKIP_SANITIZE:-0}" = 1 ] && hook_plan build/main
echo "== time per phase"
printf '  %s\n' "${timings[@]}"
echo "== tests"
seed_test_costs build/main tests/ctest-cost/main.txt
ctest --test-dir build/main --output-on-failure -j2 --timeout 300 2>&1 | tee build/main/ctest.out || status=1
if [ $status != 0 ]; then
  echo "== what failed (assertions of each failed test; whole outputs above)"
  [ "${SC_SKIP_SANITIZE:-0}" != 1 ] && failure_digest build/sanitize
  failure_digest build/main
  [ "${fuzz_status:-0}" = 0 ] || echo "-- fuzzing failed (exit $fuzz_status): its output is above"
  # The closing line is ctest's count, as it is when all pass.
  grep -E '^[0-9]+% tests passed' build/main/ctest.out | tail -n1
fi
exit $status
