#!/usr/bin/env bash
# Installs dependencies, builds everything with warnings as errors, and runs
# all tests: the Rust crate's cargo tests, then every CTest test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
(cd rust && CARGO_TARGET_DIR=../build/cargo-target RUSTFLAGS=-Dwarnings cargo test --release --quiet)
cd build
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600
