#!/usr/bin/env bash
# Makes the documentation screenshots under a virtual X server, each by the
# example itself after its scripted session (the --smoke session, on screen):
#   widgets.png  qrustbridge-widgets --screenshot FILE
#   qml.png      qrustbridge-qml --screenshot FILE
#
# Usage: scripts/screenshots.sh [BUILD_DIR [OUT_DIR]]
#   BUILD_DIR  default build (configure it first); both examples are built there
#   OUT_DIR    default docs/images
# SCREENSHOTS_NO_BUILD=1 uses the binaries as they are (the CTest `screenshots`
# does, into a temporary directory, so the script cannot break unnoticed).
# Needs: xvfb-run (packages xvfb, xauth; scripts/install-deps.sh installs them).
# Fails if either picture cannot be made: no silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
out_dir=${2:-docs/images}
screen="-screen 0 1280x800x24"
mkdir -p "$out_dir"

if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "screenshots.sh: xvfb-run not found (apt-get install xvfb xauth)" >&2
  exit 1
fi
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

# English UI and a fixed style, so pictures do not depend on the machine.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 QT_QPA_PLATFORM=xcb QT_STYLE_OVERRIDE=Fusion

if [ "${SCREENSHOTS_NO_BUILD:-0}" != 1 ]; then
  cmake --build "$build_dir" --target qrustbridge-widgets qrustbridge-qml
fi

shoot() {  # shoot <binary> <file> [args...]
  local binary=$1 file=$2
  shift 2
  if [ ! -x "$binary" ]; then
    echo "screenshots.sh: $binary was not built" >&2
    exit 1
  fi
  rm -f "$file"
  xvfb-run -a -s "$screen" "$binary" "$@" --screenshot "$file"
  if [ ! -s "$file" ]; then
    echo "screenshots.sh: $binary wrote no $file" >&2
    exit 1
  fi
  echo "wrote $file"
}

shoot "$build_dir/examples/widgets/qrustbridge-widgets" "$out_dir/widgets.png" --locale en
shoot "$build_dir/examples/qml/qrustbridge-qml" "$out_dir/qml.png"
