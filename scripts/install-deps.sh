#!/usr/bin/env bash
# Installs everything QRustBridge needs on Debian bookworm (idempotent,
# non-interactive). Debian's cargo, rustc and clippy (1.63) are always
# installed: scripts/cargo-test.sh checks the crate with them besides the
# cargo on PATH.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n
  qml6-module-qttest qml6-module-qtquick qml6-module-qtquick-controls
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtquick-templates
  qml6-module-qtqml-workerscript qml6-module-qtquick-dialogs
  librust-serde-dev librust-serde-derive-dev librust-serde-json-dev
  librust-libc-dev librust-log-dev librust-tokio-util-dev
  # rust/qrustbridge-derive (#[derive(Describe)]): syn 1, quote, proc-macro2
  librust-syn-dev librust-quote-dev librust-proc-macro2-dev
  # provides librust-tokio+full-dev (every tokio feature); the real package name
  # keeps the installed check below idempotent
  librust-tokio-dev
  # Debian's Rust toolchain (rustc 1.63), tested by scripts/cargo-test.sh
  cargo rustc rust-clippy
  xvfb xauth doxygen openssl qcoro-qt6-dev
  # scripts/sanitizers.sh (GCC's runtimes) and scripts/fuzz.sh (clang, libFuzzer)
  libasan8 liblsan0 libubsan1 libtsan2 clang libclang-rt-14-dev
  # tests/auto/cancelafterfinish: memory errors inside Qt, which ASan cannot see
  valgrind
  # tests/auto/daemonpermissions: test accounts (useradd, groupadd) and running
  # processes as them (setpriv); tests/auto/daemonunits: systemd-analyze verify
  passwd util-linux systemd
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
