#!/usr/bin/env bash
# Installs dependencies, builds everything with warnings as errors, and runs
# all tests, each stage timed:
#   1. build          scripts/build.sh into build/
#   2. cargo test     scripts/cargo-test.sh: the Rust crate's tests
#   3. ctest          every CTest test of build/ (soak: 30 s)
#   3b. portable      scripts/portable.sh: the non-Linux fallbacks built on
#                     Linux (QRUSTBRIDGE_PORTABLE_FALLBACKS) and the tests
#                     that exercise them
#   4. qt68           scripts/qt68.sh: build and the whole suite again with
#                     Qt 6.8 in a Debian trixie chroot (cached tarball)
#   5. packages       scripts/packages.sh: the .debs, installed in a clean
#                     bookworm chroot, with a C++ and a QML consumer
#   6. fuzz           scripts/fuzz.sh: replay the seed corpora, then each
#                     libFuzzer target for FUZZ_SECONDS (default 60) s
#   7. asan, 8. tsan  scripts/sanitizers.sh: the whole CTest suite again under
#                     ASan + LSan + UBSan and under TSan; any report fails
# QRUSTBRIDGE_TEST_QUICK=1 stops after stage 3 (what a local edit-test loop
# wants). Test parallelism: CTEST_JOBS (default 2) for stage 3; the
# sanitizer stages keep scripts/sanitizers.sh's own default (1, serial)
# unless SANITIZER_CTEST_JOBS is set. Tests that assert a time bound are
# RUN_SERIAL in CTest whatever the parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

timings=()
stage_start=$SECONDS
stage() {  # stage <name>: closes the running stage's timer
  timings+=("$(printf '%-12s %5d s' "$1" $((SECONDS - stage_start)))")
  stage_start=$SECONDS
}
report() {
  echo "=== test.sh stage times"
  printf '%s\n' "${timings[@]}"
  echo "total        $SECONDS s"
}
trap report EXIT

./scripts/build.sh
stage build
./scripts/cargo-test.sh
stage "cargo test"
(cd build && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 --parallel "${CTEST_JOBS:-2}")
stage ctest

if [ "${QRUSTBRIDGE_TEST_QUICK:-0}" = 1 ]; then
  exit 0
fi
./scripts/portable.sh
stage portable
./scripts/qt68.sh
stage qt68
./scripts/packages.sh
stage packages
./scripts/fuzz.sh
stage fuzz
./scripts/sanitizers.sh asan
stage asan
./scripts/sanitizers.sh tsan
stage tsan
