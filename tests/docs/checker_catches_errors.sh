#!/usr/bin/env bash
# docs.ReadmeAndDocsCheckerCatchesErrors: check_docs.py on a copy of the pages with one error
# of each kind it is for must fail and name each one.
#   checker_catches_errors.sh SOURCE_DIR SECCOMP_AUDIT SECCOMP_ISOLATOR
set -euo pipefail
src=$1 audit=$2 isolator=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/sc-docs-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/README.md" "$src/docs" "$src/scripts" "$src/metrics" "$tmp/"
# The copy as it is passes (the other top-level folders are absent, so their paths are not checked).
python3 "$here/check_docs.py" "$tmp" "$audit" "$isolator" >/dev/null || { python3 "$here/check_docs.py" "$tmp" "$audit" "$isolator" || true; echo "FAIL: the unchanged copy does not pass" >&2; exit 1; }
sed -i 's/--listen/--lis_ten/g' "$tmp/docs/daemon.md"
sed -i 's/seccomp_build_info/seccomp_build_inf0/g' "$tmp/docs/metrics.md"
sed -i 's/](benchmarks.md#tracer-cost)/](benchmarks.md#tracer-costs)/' "$tmp/docs/shadow.md"
sed -n '/sc-bench-runtimes: begin/p; /sc-bench-runtimes: end/p' "$tmp/docs/benchmarks.md" >>"$tmp/README.md"
stale=docs/readme/50-daemon  # a page that does not exist (spelt in two parts: the check reads this file too)
echo "// the default table ($stale.md)" >"$tmp/metrics/stale_comment.h"
rc=0; python3 "$here/check_docs.py" "$tmp" "$audit" "$isolator" >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
[ $rc -eq 1 ] || { echo "FAIL: check_docs.py exited $rc, not 1" >&2; exit 1; }
for want in 'seccomp-audit run --listen: not named in docs/daemon.md' \
            'metric seccomp_build_info (metrics/families.cpp) is not named in docs/metrics.md' \
            'docs/shadow.md:[0-9]*: link to benchmarks.md#tracer-costs: no heading #tracer-costs' \
            'README.md: 1 begin and 1 end markers of the sc-bench-runtimes block (want 0)' \
            'metrics/stale_comment.h:1: names docs/readme/50-daemon[.]md, which does not exist'; do
  grep -q -- "$want" "$tmp/out" || { echo "FAIL: not reported: $want" >&2; exit 1; }
done
echo "PASS: each error named"
