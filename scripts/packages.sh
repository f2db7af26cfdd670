#!/usr/bin/env bash
# Debian packages stage: builds the packages with CPack and proves them in a
# clean Debian bookworm chroot, where only the packages provide QRustBridge.
#
#   1. package  configure build-packages/ for /usr (Release, warnings as
#               errors, no tests/examples/Rust; the crates into
#               /usr/share/cargo/registry), build, `cpack -G DEB`:
#               libqrustbridge0, libqrustbridge-dev, qml6-module-qrustbridge
#   2. rootfs   a bookworm root file system with a compiler, cmake and ninja
#               only (mmdebstrap, cached in ~/.cache/qrustbridge like qt68.sh)
#   3. install  `apt-get install ./*.deb` there: Qt and everything else comes
#               from the packages' Depends (plus qt6-declarative-dev, the
#               consumer's own build dependency for Qt6::Qml)
#   4. consumer tests/packaging/consumer against the installed packages: a
#               C++ program (find_package(QRustBridge)) and a QML program
#               (import QRustBridge from Qt's import path), each spawning a
#               backend and round-tripping a request
# Needs root and the Debian archive; runs on the host the packages are for
# (bookworm: what scripts/install-deps.sh set up). Each part is timed.
# Environment: QRUSTBRIDGE_CACHE, QRUSTBRIDGE_DEBIAN_MIRROR,
# QRUSTBRIDGE_KEEP_CHROOT=1, PACKAGES_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/chroot-lib.sh

suite=bookworm
chroot_packages=(build-essential cmake ninja-build ca-certificates)

timings=()
stage_start=$SECONDS
stage() {
  timings+=("$(printf 'packages %-8s %5d s' "$1" $((SECONDS - stage_start)))")
  stage_start=$SECONDS
}
report() {
  local status=$?
  chroot_cleanup
  echo "=== packages.sh stage times"
  printf '%s\n' "${timings[@]}"
  echo "packages total    $SECONDS s"
  [ $status -eq 0 ] || echo "packages.sh FAILED (exit $status)"
}
trap report EXIT
trap 'exit 130' INT TERM

# 1. The packages, from a tree of their own (the test build uses /usr/local).
rm -rf build-packages
mkdir -p build-packages
cmake -S . -B build-packages -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DQRUSTBRIDGE_BUILD_TESTS=OFF -DQRUSTBRIDGE_BUILD_EXAMPLES=OFF -DQRUSTBRIDGE_BUILD_RUST=OFF \
  -DQRUSTBRIDGE_WERROR=ON -DQRUSTBRIDGE_CARGO_REGISTRY_DIR=share/cargo/registry >build-packages/configure.log 2>&1 || { cat build-packages/configure.log; exit 1; }
cmake --build build-packages --parallel "${PACKAGES_JOBS:-$(nproc)}"
(cd build-packages && cpack -G DEB >cpack.log 2>&1) || { cat build-packages/cpack.log; exit 1; }
debs=(build-packages/*.deb)
[ ${#debs[@]} -eq 3 ] || chroot_die "expected 3 packages, got: ${debs[*]}"
for deb in "${debs[@]}"; do
  echo "--- $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version): $(dpkg-deb -f "$deb" Depends)"
  dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ {print "    " $6 ($7 ? " " $7 " " $8 : "")}'
done
stage package

chroot_host_tools
tarball="$(chroot_tarball "$suite" "$QRUSTBRIDGE_DEBIAN_MIRROR" "${chroot_packages[@]}")"
chroot_unpack "$tarball"
chroot_log "unpacked into $CHROOT_ROOT"
stage rootfs

mkdir -p "$CHROOT_ROOT/debs" "$CHROOT_ROOT/consumer"
cp "${debs[@]}" "$CHROOT_ROOT/debs/"
cp -r tests/packaging/consumer/. "$CHROOT_ROOT/consumer/"
cp -L /etc/resolv.conf "$CHROOT_ROOT/etc/resolv.conf"
# Downloaded .debs are kept between runs (apt checks them against the lists).
mkdir -p "$QRUSTBRIDGE_CACHE/apt-archives-$suite/partial"
export CHROOT_BINDS="$QRUSTBRIDGE_CACHE/apt-archives-$suite:/var/cache/apt/archives"
if ! chroot_run sh -ec '
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o Acquire::Retries=5 update -qq
  ! dpkg-query -W qt6-base-dev 2>/dev/null || { echo "not a clean chroot: Qt is installed"; exit 1; }
  apt-get -o Acquire::Retries=5 install -y -qq --no-install-recommends ./debs/*.deb qt6-declarative-dev >/tmp/apt.log 2>&1 \
    || { cat /tmp/apt.log; exit 1; }
  dpkg-query -W libqrustbridge0 libqrustbridge-dev qml6-module-qrustbridge
  # the crates the Debian way, next to the librust-*-dev ones
  test -f /usr/share/cargo/registry/qrustbridge-0.1.0/.cargo-checksum.json
  test -f /usr/share/cargo/registry/qrustbridge-derive-0.1.0/src/lib.rs
  test -f /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)/qt6/qml/QRustBridge/qmldir
'; then
  chroot_die "installing the packages failed"
fi
stage install

chroot_run sh -ec '
  test ! -e /src && test ! -e /build   # nothing of the source or build tree in here
  cmake -S /consumer -B /tmp/consumer -G Ninja -DCMAKE_BUILD_TYPE=Release >/tmp/configure.log 2>&1 \
    || { cat /tmp/configure.log; exit 1; }
  cmake --build /tmp/consumer
  /tmp/consumer/cpp-consumer /consumer/backend.sh
  /tmp/consumer/qml-consumer /consumer/backend.sh
'
stage consumer
echo "packages.sh: 3 packages built, installed with apt-get into a clean $suite chroot, C++ and QML consumers passed"
