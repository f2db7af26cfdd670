#!/usr/bin/env bash
# Installs dependencies, builds, and runs the console example against the
# Rust demo backend, printing every call, event, stream chunk and stderr line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
echo "building (log: build-demo.log) ..."
if ! ./scripts/build.sh >build-demo.log 2>&1; then
  tail -n 40 build-demo.log
  echo "build failed; the whole log is in build-demo.log" >&2
  exit 1
fi
exec ./build/examples/console/qrustbridge-console --backend ./build/cargo-target/release/demo-backend "$@"
