#!/usr/bin/env bash
# Configures and builds QRustBridge (library, Rust backend, examples, tests)
# into ./build with warnings as errors. Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQRUSTBRIDGE_WERROR=ON "$@"
cmake --build build --parallel "$(nproc)"
