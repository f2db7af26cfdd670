#!/usr/bin/env bash
# Makes the documentation screenshots under a virtual X server:
#   docs/images/widgets.png  the Widgets example after its scripted session
#                            (qrustbridge-widgets --screenshot FILE grabs its own window)
#   docs/images/qml.png      the QML example a few seconds after start, if it was
#                            built (grabbed from the X server with ImageMagick's `import`)
#
# Usage: scripts/screenshots.sh [BUILD_DIR]     (default: build; configure it first)
# Needs: xvfb-run (packages xvfb, xauth); for qml.png also imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
out_dir=docs/images
screen="-screen 0 1280x800x24"
mkdir -p "$out_dir"

if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "screenshots.sh: xvfb-run not found (apt-get install xvfb xauth)" >&2
  exit 1
fi
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

# English UI and a fixed style, so pictures do not depend on the machine.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 QT_QPA_PLATFORM=xcb QT_STYLE_OVERRIDE=Fusion

cmake --build "$build_dir" --target qrustbridge-widgets
widgets="$build_dir/examples/widgets/qrustbridge-widgets"
xvfb-run -a -s "$screen" "$widgets" --locale en --screenshot "$out_dir/widgets.png"
echo "wrote $out_dir/widgets.png"

qml="$build_dir/examples/qml/qrustbridge-qml-example"
if [ -f "$build_dir/build.ninja" ] && grep -q "qrustbridge-qml-example" "$build_dir/build.ninja"; then
  cmake --build "$build_dir" --target qrustbridge-qml-example
fi
if [ ! -x "$qml" ]; then
  echo "no QML example in $build_dir: skipping $out_dir/qml.png"
  exit 0
fi
if ! command -v import >/dev/null 2>&1; then
  echo "screenshots.sh: ImageMagick's import not found (apt-get install imagemagick): skipping $out_dir/qml.png" >&2
  exit 0
fi
# Start the example, give it time to spawn the backend and fill its log,
# then grab the whole (otherwise empty) screen and trim it to the window.
xvfb-run -a -s "$screen" bash -c '
  "$1" & app=$!
  sleep "${QRUSTBRIDGE_SCREENSHOT_DELAY:-4}"
  import -window root -trim +repage "$2"
  kill "$app"; wait "$app" 2>/dev/null || true
' screenshot "$qml" "$out_dir/qml.png"
echo "wrote $out_dir/qml.png"
