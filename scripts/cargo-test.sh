#!/usr/bin/env bash
# Tests the Rust workspace (crate qrustbridge, demo backend) with BOTH
# toolchains, so that the promise "builds with Debian's rustc 1.63" is
# checked, not assumed:
#   1. the cargo on PATH (rustup's, ~/.cargo/bin): cargo test --release and
#      cargo clippy --all-targets -D warnings, into the build tree's cargo
#      target (shared with the CMake build), then cargo package of the
#      crates (offline, verified: the packaged sources build on their own);
#   2. Debian's cargo/rustc/clippy in /usr/bin (scripts/install-deps.sh
#      installs them): the same, on a copy of the workspace (cargo 1.65 can't
#      read the lockfile a newer cargo writes there) with its own target dir
#      and CARGO_HOME (so no rustup subcommand from ~/.cargo/bin is picked up).
#
#   scripts/cargo-test.sh [--only path|debian]
# Honours CARGO_TARGET_DIR (toolchain 1) and JOBS (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
only=
if [ "${1:-}" = --only ]; then only=$2; fi
jobs=${JOBS:-2}

run_path_toolchain() {
  (
    cd "$root/rust"
    [ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/build/cargo-target}"
    echo "== cargo on PATH: $(cargo -V), $(rustc -V)" >&2
    RUSTFLAGS=-Dwarnings cargo test --release --quiet -j "$jobs"
    cargo clippy --quiet -j "$jobs" --all-targets -- -D warnings
    package_crates
  )
}

# cargo package, verified offline: qrustbridge-derive first (its dependencies
# are Debian's), then qrustbridge against a directory source holding Debian's
# crates plus the packaged derive, as a registry would after publishing it.
package_crates() {
  cargo package --quiet -j "$jobs" -p qrustbridge-derive --allow-dirty
  local target=${CARGO_TARGET_DIR:-$root/rust/target}
  local overlay=$target/package-registry
  rm -rf "$overlay"
  mkdir -p "$overlay"
  ln -s /usr/share/cargo/registry/* "$overlay"/
  tar -xzf "$target/package/qrustbridge-derive-0.1.0.crate" -C "$overlay"
  printf '{"files":{},"package":"%s"}' "$(sha256sum "$target/package/qrustbridge-derive-0.1.0.crate" | cut -d' ' -f1)" \
    > "$overlay/qrustbridge-derive-0.1.0/.cargo-checksum.json"
  cargo package --quiet -j "$jobs" -p qrustbridge --allow-dirty --config "source.debian.directory=\"$overlay\""
}

run_debian_toolchain() {
  if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ]; then
    echo "Debian's cargo/rustc are missing: run scripts/install-deps.sh" >&2
    return 1
  fi
  local copy="$root/build/rust-debian-src" home="$root/build/cargo-home-debian"
  rm -rf "$copy"
  mkdir -p "$copy" "$home"
  (cd "$root/rust" && tar --exclude=./target --exclude=./Cargo.lock -cf - .) | tar -xf - -C "$copy"
  (
    cd "$copy"
    export PATH=/usr/bin:/bin CARGO_HOME="$home" RUSTC=/usr/bin/rustc
    export CARGO_TARGET_DIR="$root/build/cargo-target-debian"
    echo "== Debian: $(cargo -V), $(rustc -V)" >&2
    RUSTFLAGS=-Dwarnings cargo test --release --quiet -j "$jobs"
    if [ -x /usr/bin/cargo-clippy ]; then
      echo "== Debian: $(cargo clippy -V)" >&2
      cargo clippy --quiet -j "$jobs" --all-targets -- -D warnings
    else
      echo "Debian's clippy (rust-clippy) is not installed: skipped" >&2
    fi
  )
}

case $only in
  path) run_path_toolchain ;;
  debian) run_debian_toolchain ;;
  '') run_path_toolchain; run_debian_toolchain ;;
  *) echo "usage: $0 [--only path|debian]" >&2; exit 2 ;;
esac
