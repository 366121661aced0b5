#!/usr/bin/env bash
# Installs the Debian 12 packages seccomp-companion needs to build, test and run.
# Idempotent: prints nothing and changes nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build make g++ clang llvm pkg-config
  # libraries
  libseccomp-dev libbpf-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  prometheus-cpp-dev libssl-dev libcap-dev linux-libc-dev nettle-dev libcurl4-openssl-dev
  # BPF tooling (skeletons, vmlinux.h)
  bpftool
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev
  runc crun busybox-static prometheus chromium
  # container engines for tests/runtimes (each test starts its own dockerd / podman)
  docker.io podman
  # tools the tests use
  seccomp util-linux procps iproute2 nodejs
  # packaging: man pages generated from --help, the .deb (cpack; dpkg-shlibdeps needs
  # dpkg-dev and file), its tests (man --warnings, systemd-analyze verify)
  python3 dpkg-dev file man-db groff-base systemd
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap: missing packages: ${missing[*]}" >&2
  echo "bootstrap: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's prometheus package starts a system service; the tests start their own server
# on a free loopback port, so the packaged one is left alone (never relied upon).
