#!/usr/bin/env bash
# Tests the Rust workspace (crate qrustbridge, demo backend): cargo test with
# warnings as errors, into the build tree's cargo target so it reuses the
# CMake build's artefacts.
set -euo pipefail
cd "$(dirname "$0")/../rust"
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-../build/cargo-target}" RUSTFLAGS=-Dwarnings cargo test --release --quiet
