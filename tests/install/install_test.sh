#!/usr/bin/env bash
# Packaging tests (issue 16). Usage: install_test.sh prefix|deb BUILD_DIR SOURCE_DIR
#   prefix: cmake --install into a temporary prefix; the file list equals expected-files.txt
#           (and docs/install.md's "Files" names each file); the installed programs run; each
#           man page renders with no warning and names every flag of --help; the bash
#           completions offer what --help lists; systemd-analyze verify of the unit.
#   deb:    cpack -G DEB into a temporary dir; dpkg-deb -I/-c (Depends from the shared
#           libraries, conffiles, scripts, the files); dpkg -x into a throwaway root and the
#           programs run from there.
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/sc-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

expected=$here/expected-files.txt

check_programs() {  # check_programs BINDIR DATADIR
  local v
  v=$("$1/seccomp-audit" --version) || fail "seccomp-audit --version"
  [[ $v == "seccomp-audit "* ]] || fail "seccomp-audit --version printed: $v"
  v=$("$1/seccomp-isolator" --version) || fail "seccomp-isolator --version"
  [[ $v == "seccomp-isolator "* ]] || fail "seccomp-isolator --version printed: $v"
  "$1/seccomp-isolator" check "$2/profiles/default.json" >"$tmp/check.out" 2>&1 ||
    { cat "$tmp/check.out" >&2; fail "seccomp-isolator check $2/profiles/default.json"; }
  echo "ok: $("$1/seccomp-audit" --version), $("$1/seccomp-isolator" --version), check default.json"
}

# The flags of PROGRAM [SUBCOMMAND...] as --help lists them, one a line.
help_flags() {
  "$@" --help | grep -E '^  -' | sed -E 's/^  ([^ ]+).*/\1/' | tr ',' '\n' | sort -u
}
# Its subcommands.
help_subcommands() {
  "$@" --help | awk '/^Subcommands:/{s=1;next} /^$/{s=0} s && /^  [a-z]/{print $1}'
}

# Every subcommand path of a program: "", "run", "shadow start", ...
subcommand_paths() {  # subcommand_paths BINARY [PATH...]
  local bin=$1; shift
  echo "$*"
  local sub
  for sub in $(help_subcommands "$bin" "$@"); do subcommand_paths "$bin" "$@" "$sub"; done
}

check_man_and_completion() {  # PREFIX
  local p=$1 prog page comp path words flags offered
  for prog in seccomp-audit seccomp-isolator; do
    page=$p/share/man/man1/$prog.1
    MANWIDTH=80 man --warnings -l "$page" >"$tmp/$prog.txt" 2>"$tmp/$prog.err" || fail "man -l $page"
    [ ! -s "$tmp/$prog.err" ] || { cat "$tmp/$prog.err" >&2; fail "man --warnings: $page"; }
    comp=$p/share/bash-completion/completions/$prog
    bash -n "$comp" || fail "bash -n $comp"
    while IFS= read -r path; do
      # shellcheck disable=SC2086
      flags=$(help_flags "$p/bin/$prog" $path)
      for f in $flags; do
        grep -qF -- "$f" "$tmp/$prog.txt" || fail "$prog $path: $f of --help missing from the man page"
      done
      # What the completion offers after "PROG PATH -".
      # shellcheck disable=SC2086
      offered=$(bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '"_${prog//-/_}"'; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$comp" "$prog" $path - | sort -u)
      [ "$offered" = "$flags" ] || { diff <(echo "$flags") <(echo "$offered") >&2 || true; fail "completion of '$prog $path -' differs from --help"; }
      # shellcheck disable=SC2086
      words=$(help_subcommands "$p/bin/$prog" $path | sort)
      if [ -n "$words" ]; then
        # shellcheck disable=SC2086
        offered=$(bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '"_${prog//-/_}"'; printf "%s\n" "${COMPREPLY[@]}"' \
          _ "$comp" "$prog" $path "" | sort)
        [ "$offered" = "$words" ] || fail "completion of subcommands of '$prog $path' differs from --help"
      fi
    done < <(subcommand_paths "$p/bin/$prog")
    echo "ok: $prog(1) renders without warnings and names every flag; its completion matches --help"
  done
  # A value with a fixed set: the set.
  offered=$(bash -c 'source "$1"; COMP_WORDS=(seccomp-audit run --syscall_hooks ""); COMP_CWORD=3; _seccomp_audit; echo "${COMPREPLY[*]}"' _ \
    "$p/share/bash-completion/completions/seccomp-audit")
  [ "$offered" = "off auto on" ] || fail "completion of --syscall_hooks: '$offered'"
}

verify_unit() {  # UNIT_FILE EXPECTED_EXECSTART_BINARY
  local unit=$1 bin=$2
  grep -qxF "ExecStart=$bin run --config=$3" "$unit" || { grep ExecStart "$unit" >&2; fail "ExecStart of $unit"; }
  grep -q '^ExecStart=.*--listen' "$unit" && fail "the unit must not override the config's listen address"
  grep -q '^#listen = "127.0.0.1:9476"$' "$4" || fail "the default config does not document the loopback default"
  command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (scripts/bootstrap.sh installs systemd)"
  # --man=no: the page is in the temporary prefix, not in man's path (checked above).
  SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unit" >"$tmp/verify.out" 2>&1 ||
    { cat "$tmp/verify.out" >&2; fail "systemd-analyze verify $unit"; }
  # Warnings print too, with status 0: the output must be empty.
  [ ! -s "$tmp/verify.out" ] || { cat "$tmp/verify.out" >&2; fail "systemd-analyze verify printed warnings"; }
  echo "ok: systemd-analyze verify $unit"
}

case $mode in
prefix)
  p=$tmp/prefix
  step "cmake --install $build --prefix $p"
  cmake --install "$build" --prefix "$p" >"$tmp/install.log" || { cat "$tmp/install.log" >&2; fail "cmake --install"; }
  (cd "$p" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/files"
  diff -u "$expected" "$tmp/files" || fail "installed files differ from $expected (update it and docs/install.md, Files)"
  echo "ok: $(wc -l <"$tmp/files") files, as expected-files.txt"
  while IFS= read -r f; do
    grep -qF -- "$f" "$src/docs/install.md" || fail "docs/install.md (Files) does not name $f"
  done <"$expected"
  # The README and every page of docs/ are installed as they are in the source tree (the
  # README links to docs/PAGE.md, so the installed copy keeps its links).
  cmp -s "$src/README.md" "$p/share/doc/seccomp-companion/README.md" || fail "the installed README.md differs from the source's"
  for f in "$src"/docs/*.md; do
    cmp -s "$f" "$p/share/doc/seccomp-companion/docs/$(basename "$f")" || fail "docs/$(basename "$f") is not installed as it is"
  done
  [ -x "$p/bin/seccomp-audit" ] && [ -x "$p/bin/seccomp-isolator" ] || fail "programs not executable"
  check_programs "$p/bin" "$p/share/seccomp-companion"
  check_man_and_completion "$p"
  verify_unit "$p/lib/systemd/system/seccomp-audit.service" "$p/bin/seccomp-audit" \
    "$p/etc/seccomp-companion/seccomp-audit.conf" "$p/etc/seccomp-companion/seccomp-audit.conf"
  # The installed config is accepted by the daemon: every key known (a check that stops at
  # --reset on a directory that is not bpffs: nothing is started).
  sed -E 's/^#([a-z_]+ = )/\1/; s|^pin_dir = .*|pin_dir = "'"$tmp"'/not-bpffs"|' \
    "$p/etc/seccomp-companion/seccomp-audit.conf" >"$tmp/all.conf"
  rc=0; "$p/bin/seccomp-audit" run --config="$tmp/all.conf" --reset >"$tmp/reset.out" 2>&1 || rc=$?
  grep -q "not-bpffs" "$tmp/reset.out" || { cat "$tmp/reset.out" >&2; fail "run --config: pin_dir from the file not used"; }
  "$p/bin/seccomp-audit" run --config="$tmp/all.conf" --reset --pin_dir="$tmp/from-cli" >"$tmp/reset.out" 2>&1 || true
  grep -q "from-cli" "$tmp/reset.out" || { cat "$tmp/reset.out" >&2; fail "run --config: the command line must take precedence"; }
  printf 'no_such_flag = 1\n' >"$tmp/bad.conf"
  rc=0; "$p/bin/seccomp-audit" run --config="$tmp/bad.conf" --reset --pin_dir="$tmp/x" >"$tmp/bad.out" 2>&1 || rc=$?
  [ $rc -ne 0 ] && grep -q "unknown key 'no_such_flag'" "$tmp/bad.out" || { cat "$tmp/bad.out" >&2; fail "run --config: an unknown key must be an error"; }
  echo "ok: run --config reads every key of the installed config, the command line wins, unknown keys refused"
  ;;
deb)
  step "cpack -G DEB (build tree $build)"
  (cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; }
  deb=$(ls "$tmp"/out/seccomp-companion_*.deb)
  echo "built $(basename "$deb")"
  dpkg-deb -I "$deb" >"$tmp/info"
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libc6 libseccomp2 libbpf1 libstdc++6; do
    [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
  done
  echo "ok: Depends: $depends"
  for c in postinst prerm postrm conffiles; do grep -qw "$c" "$tmp/info" || fail "control archive lacks $c"; done
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/seccomp-companion/seccomp-audit.conf ||
    fail "the config is not a conffile"
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$tmp/postinst"
  grep -q '\[ -d /run/systemd/system \]' "$tmp/postinst" || fail "postinst does not test for systemd"
  grep -v '^#' "$tmp/postinst" | grep -Eq 'systemctl (enable|start)' && fail "postinst must not enable or start the daemon"
  # postinst on a machine without systemd: does nothing, exits 0 (run with a PATH whose
  # systemctl would fail loudly, so a call is seen).
  mkdir -p "$tmp/fakebin"; printf '#!/bin/sh\necho systemctl called >&2\nexit 1\n' >"$tmp/fakebin/systemctl"; chmod +x "$tmp/fakebin/systemctl"
  if [ ! -d /run/systemd/system ]; then
    out=$(PATH="$tmp/fakebin:$PATH" sh "$tmp/postinst" configure 2>&1) || fail "postinst configure failed: $out"
    [ -z "$out" ] || fail "postinst without systemd printed: $out"
    echo "ok: postinst without systemd: nothing done, status 0"
  fi
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' | grep -v '/$' | LC_ALL=C sort >"$tmp/debfiles"
  sed -e 's|^etc/|/etc/|' -e '/^\/etc\//!s|^|usr/|' -e 's|^/etc/|etc/|' "$expected" | LC_ALL=C sort >"$tmp/want"
  diff -u "$tmp/want" "$tmp/debfiles" || fail "the .deb's files differ from expected-files.txt (under usr/, etc/)"
  echo "ok: dpkg-deb -c: $(wc -l <"$tmp/debfiles") files, as expected-files.txt"
  root=$tmp/root
  dpkg -x "$deb" "$root"
  check_programs "$root/usr/bin" "$root/usr/share/seccomp-companion"
  unit=$root/usr/lib/systemd/system/seccomp-audit.service
  grep -qxF "ExecStart=/usr/bin/seccomp-audit run --config=/etc/seccomp-companion/seccomp-audit.conf" "$unit" ||
    { grep ExecStart "$unit" >&2; fail "the packaged unit's ExecStart"; }
  grep -qF "file:///usr/share/doc/seccomp-companion/README.md" "$unit" || fail "the packaged unit's Documentation="
  for page in install daemon; do
    grep -qF "file:///usr/share/doc/seccomp-companion/docs/$page.md" "$unit" || fail "the packaged unit's Documentation= lacks docs/$page.md"
    [ -f "$root/usr/share/doc/seccomp-companion/docs/$page.md" ] || fail "the packaged unit names docs/$page.md, which the package lacks"
  done
  MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/seccomp-audit.1" >/dev/null 2>"$tmp/man.err" && [ ! -s "$tmp/man.err" ] ||
    fail "the packaged man page does not render cleanly"
  echo "ok: dpkg -x into a throwaway root: programs run, unit names /usr/bin and /etc"
  # dpkg --root: a real install into an empty dpkg database (maintainer scripts run
  # chrootless with DPKG_ROOT set, so they touch nothing of this host); the host's libraries
  # serve the programs (--force-depends), then a purge leaves nothing behind.
  droot=$tmp/dpkgroot
  mkdir -p "$droot/var/lib/dpkg/info" "$droot/var/lib/dpkg/updates" "$droot/var/lib/dpkg/triggers"
  : >"$droot/var/lib/dpkg/status"
  dpkg_root() { dpkg --root="$droot" --force-not-root --force-script-chrootless --log=/dev/null "$@"; }
  dpkg_root --force-depends -i "$deb" >"$tmp/dpkg-i.log" 2>&1 || { cat "$tmp/dpkg-i.log" >&2; fail "dpkg --root -i"; }
  dpkg-query --admindir="$droot/var/lib/dpkg" -W -f='${Status}\n' seccomp-companion | grep -qx 'install ok installed' ||
    fail "dpkg --root: not installed"
  dpkg-query --admindir="$droot/var/lib/dpkg" -s seccomp-companion | grep -q '^ /etc/seccomp-companion/seccomp-audit.conf ' ||
    fail "dpkg --root: the config is not a registered conffile"
  check_programs "$droot/usr/bin" "$droot/usr/share/seccomp-companion"
  dpkg_root --purge seccomp-companion >"$tmp/dpkg-p.log" 2>&1 || { cat "$tmp/dpkg-p.log" >&2; fail "dpkg --root --purge"; }
  left=$(cd "$droot" && find . -mindepth 1 -not -path './var/lib/dpkg*' -not -path ./var/lib -not -path ./var -type f)
  [ -z "$left" ] || fail "left after purge: $left"
  echo "ok: dpkg --root -i into an empty root (conffile registered, programs run), --purge leaves nothing"
  ;;
*) fail "usage: $0 prefix|deb BUILD_DIR SOURCE_DIR" ;;
esac
echo "PASS ($mode)"
