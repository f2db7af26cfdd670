#!/usr/bin/env bash
# Installs dependencies, builds, and runs the console example against the
# Rust demo backend, printing every call, event, stream chunk and stderr line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh >/dev/null
exec ./build/examples/console/qrustbridge-console --backend ./build/cargo-target/release/demo-backend "$@"
