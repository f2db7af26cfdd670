#!/usr/bin/env bash
# Qt 6.8 stage: builds and tests QRustBridge with Debian trixie's Qt 6.8,
# GCC and Rust, in a trixie root file system, without touching the host's
# Qt 6.4. Needs root (CI runs as root) and the Debian archive.
#
#   1. rootfs   make the trixie tree with mmdebstrap (build packages
#               included) or reuse it from ~/.cache/qrustbridge/ (cached
#               as a tarball keyed by the package list), and unpack it
#   2. build    copy the source tree in; cmake + ninja, -DQRUSTBRIDGE_WERROR=ON
#   3. cargo    the Rust workspace's tests (warnings as errors)
#   4. ctest    the full CTest suite
# Each part is timed. The Rust crates needed are read from rust/*/Cargo.toml
# (librust-<name>-dev), so a new dependency makes a new tarball by itself.
#
#   scripts/qt68.sh                       # the stages above
#   scripts/qt68.sh --bench [ARGS...]     # instead of 2-4: scripts/bench.sh
#                                         # --no-smartrust ARGS in the tree (Qt 6.8
#                                         # benchmarks); report and raw results
#                                         # copied to build-bench-qt68/
#
# Environment: QRUSTBRIDGE_CACHE (tarball cache, default ~/.cache/qrustbridge),
# QRUSTBRIDGE_DEBIAN_MIRROR, QRUSTBRIDGE_KEEP_CHROOT=1 (keep the unpacked
# tree for a look after a failure), QT68_JOBS (build parallelism, default
# nproc), CTEST_JOBS (default 2), QT68_CTEST_ARGS (extra ctest arguments,
# e.g. "-R qml").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/chroot-lib.sh

bench=0
bench_args=()
if [ "${1:-}" = --bench ]; then
  bench=1
  shift
  bench_args=("$@")
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--bench [scripts/bench.sh options]]" >&2
  exit 2
fi

suite=trixie
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev
  qt6-l10n-tools qt6-translations-l10n
  qml6-module-qttest qml6-module-qtquick qml6-module-qtquick-controls
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtquick-templates
  qml6-module-qtqml-workerscript qml6-module-qtquick-dialogs
  doxygen openssl qcoro-qt6-dev valgrind
  # tests/auto/daemonpermissions makes test accounts (useradd, groupadd,
  # usermod); setpriv comes with util-linux, which is Essential
  passwd
  cargo rustc
  # The crate's dependencies, today's and those of the tokio port
  # (trixie's librust-tokio-dev carries every feature, +full included).
  librust-serde-dev librust-serde-derive-dev librust-serde-json-dev
  librust-libc-dev librust-signal-hook-dev
  librust-tokio-dev librust-tokio-util-dev librust-log-dev librust-futures-dev
  librust-thiserror-dev librust-syn-dev librust-quote-dev librust-proc-macro2-dev
  # trixie's librust-thiserror-dev is 2.x; a `thiserror = "1"` needs this one
  librust-thiserror-1-dev
  # rust/qrustbridge-derive asks for syn = "1": trixie's librust-syn-dev is 2.x
  # (the name the list below derives from Cargo.toml), syn 1 is this one
  librust-syn-1-dev
)

# Every registry dependency named in rust/*/Cargo.toml (plain, dev, build,
# target-specific, workspace) as its Debian package name; path dependencies
# are the workspace's own crates.
cargo_dependency_packages() {
  awk '
    function flush() { if (table != "" && !tablepath) print table; table = "" }
    /^\[/ {
      flush()
      deps = ($0 ~ /dependencies\]$/)
      if (match($0, /dependencies\.[A-Za-z0-9_-]+\]$/)) {
        table = substr($0, RSTART + 13, RLENGTH - 14); tablepath = 0
      }
      next
    }
    table != "" && /^[ \t]*path[ \t]*=/ { tablepath = 1 }
    deps && /^[ \t]*[A-Za-z0-9_-]+[ \t]*(\.[a-z]+)?[ \t]*=/ && $0 !~ /path[ \t]*=/ {
      name = $0; sub(/^[ \t]*/, "", name); sub(/[ \t.=].*/, "", name); print name
    }
    END { flush() }
  ' rust/Cargo.toml rust/*/Cargo.toml | tr '_' '-' | tr 'A-Z' 'a-z' | sort -u | sed 's/.*/librust-&-dev/'
}
mapfile -t crate_packages < <(cargo_dependency_packages)
packages+=("${crate_packages[@]}")

timings=()
stage_start=$SECONDS
stage() {
  timings+=("$(printf 'qt68 %-8s %5d s' "$1" $((SECONDS - stage_start)))")
  stage_start=$SECONDS
}
report() {
  local status=$?
  chroot_cleanup
  echo "=== qt68.sh stage times (Qt 6.8, Debian $suite)"
  printf '%s\n' "${timings[@]}"
  echo "qt68 total    $SECONDS s"
  [ $status -eq 0 ] || echo "qt68.sh FAILED (exit $status)"
}

trap report EXIT
trap 'exit 130' INT TERM
chroot_host_tools
tarball="$(chroot_tarball "$suite" "$QRUSTBRIDGE_DEBIAN_MIRROR" "${packages[@]}")"
chroot_unpack "$tarball"
chroot_log "unpacked into $CHROOT_ROOT"
stage rootfs

# The source tree, without build trees, git data or a host Cargo.lock (it
# would pin crate versions from the host's registry).
mkdir -p "$CHROOT_ROOT/src"
tar -c --exclude=./.git --exclude='./build*' --exclude=./rust/target --exclude=./rust/Cargo.lock --exclude='./examples/*/backend/Cargo.lock' . \
  | tar -C "$CHROOT_ROOT/src" -x
chroot_run sh -c 'echo "in the chroot: $(. /etc/os-release; echo "$PRETTY_NAME"), Qt $(qtpaths6 --qt-version 2>/dev/null || /usr/lib/qt6/bin/qtpaths --qt-version), $(g++ --version | head -1), $(rustc --version), $(cargo --version)"'

jobs="${QT68_JOBS:-$(nproc)}"
if [ $bench = 1 ]; then
  # The echo peer's lock file names the host's serde_json; trixie's registry
  # has another version, so let cargo resolve it there.
  rm -f "$CHROOT_ROOT/src/tests/benchmarks/echo-peer/Cargo.lock"
  status=0
  chroot_run env BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" BENCH_JOBS="$jobs" \
    /src/scripts/bench.sh --no-smartrust --build-dir /build-bench "${bench_args[@]}" || status=$?
  mkdir -p build-bench-qt68
  cp "$CHROOT_ROOT"/build-bench/bench-report.md "$CHROOT_ROOT"/build-bench/bench-results.jsonl build-bench-qt68/ 2>/dev/null || true
  stage bench
  exit $status
fi

chroot_run sh -ec "
  cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQRUSTBRIDGE_WERROR=ON -DQRUSTBRIDGE_TEST_SCREENSHOTS=OFF -DQRUSTBRIDGE_BUILD_BENCHMARKS=OFF
  cmake --build /build --parallel $jobs
"
stage build

chroot_run sh -ec '
  cd /src/rust
  CARGO_TARGET_DIR=/build/cargo-target RUSTFLAGS=-Dwarnings cargo test --release --quiet
'
stage cargo

# shellcheck disable=SC2086
chroot_run sh -ec "
  cd /build
  QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 --parallel ${CTEST_JOBS:-2} ${QT68_CTEST_ARGS:-}
"
stage ctest
