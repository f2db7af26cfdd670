#!/usr/bin/env bash
# Portable stage: builds QRustBridge with -DQRUSTBRIDGE_PORTABLE_FALLBACKS=ON
# into build-portable/ (the code macOS and the BSDs run, compiled and run on
# Linux: no PR_SET_PDEATHSIG, getpeereid() instead of SO_PEERCRED, pipe() +
# fcntl instead of pipe2, no madvise) and runs the tests that exercise
# those paths: child death, peer checks, socket mode, robustness, transports.
# See docs/platforms.md.
#
# Only the library and those tests are built (no examples, no QML module).
# The Rust demo backend is the one scripts/build.sh built into build/ (the
# fallbacks are in the C++ library only); if it is missing, cargo builds it.
#
# robustness runs 200 spawn/kill cycles instead of 1000 (enough to see a
# descriptor leaked per cycle; QRUSTBRIDGE_SPAWN_KILL_CYCLES overrides).
#
# Environment: PORTABLE_CTEST_ARGS (default: the subset above),
# CTEST_JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

tests=(childdeath daemonpermissions socketmode robustness transports)
demo_backend="$PWD/build/cargo-target/release/demo-backend"
rust_args=(-DQRUSTBRIDGE_BUILD_RUST=OFF "-DDEMO_BACKEND_PATH=$demo_backend")
if [ ! -x "$demo_backend" ]; then
  echo "=== portable: no demo backend in build/, cargo builds one"
  rust_args=(-DQRUSTBRIDGE_BUILD_RUST=ON)
fi

start=$SECONDS
cmake -S . -B build-portable -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQRUSTBRIDGE_WERROR=ON -DQRUSTBRIDGE_PORTABLE_FALLBACKS=ON \
  -DQRUSTBRIDGE_BUILD_EXAMPLES=OFF -DQRUSTBRIDGE_BUILD_QML=OFF -DQRUSTBRIDGE_TEST_SUBSET=ON "${rust_args[@]}" >/dev/null
targets=()
for t in "${tests[@]}"; do targets+=("tst_$t"); done
cmake --build build-portable --parallel "$(nproc)" --target "${targets[@]}"
echo "=== portable: build $((SECONDS - start)) s"

start=$SECONDS
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
export QRUSTBRIDGE_SPAWN_KILL_CYCLES="${QRUSTBRIDGE_SPAWN_KILL_CYCLES:-200}"
(cd build-portable && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 \
  --parallel "${CTEST_JOBS:-2}" ${PORTABLE_CTEST_ARGS:--R "$regex"})
echo "=== portable: ctest $((SECONDS - start)) s"
