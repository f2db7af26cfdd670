#!/usr/bin/env bash
# Benchmarks QRustBridge (C++ and QML's call()) against a raw pipe, a
# hand-rolled QProcess client and @push.rocks/smartrust, all driving the same
# backend (release build), and prints a markdown table with ratios and the
# targets (docs/benchmarks.md).
#
#   scripts/bench.sh [--quick] [--no-smartrust] [--backend peer|demo] [--build-dir DIR]
#
# --quick: 1 round instead of 3, fewer sequential round trips, 20 000 instead
#          of 100 000 pipelined requests, shorter time limits.
# --backend peer (default): the independent serde_json echo peer of
#          tests/benchmarks/echo-peer, which shares no code with the library.
# --backend demo: the Rust demo backend (rust/demo-backend, built on the
#          qrustbridge crate), as the suite did before issue #24.
# BENCH_JOBS=N limits the build's parallel jobs. BENCH_COMMIT names the
# commit in the report where the tree has no .git (scripts/qt68.sh --bench).
# Builds what it needs in DIR (default: build-bench), installs smartrust with
# npm into DIR/node-smartrust (never committed). Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-bench
quick=0
use_smartrust=1
backend_kind=peer
flags=""   # the options given, for the report
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; flags+=" --quick" ;;
    --no-smartrust) use_smartrust=0; flags+=" --no-smartrust" ;;
    --build-dir) build=$(realpath -m "$2"); shift ;;
    --backend)
      case ${2:-} in peer|demo) backend_kind=$2; flags+=" --backend $2" ;; *) echo "--backend takes peer or demo" >&2; exit 2 ;; esac
      shift ;;
    *) echo "usage: $0 [--quick] [--no-smartrust] [--backend peer|demo] [--build-dir DIR]" >&2; exit 2 ;;
  esac
  shift
done

rounds=3; limit=150; pipelined_args=()
if [ $quick = 1 ]; then rounds=1; limit=60; pipelined_args=(--count 20000); fi
slow_run=60   # a run slower than this is not repeated in later rounds

# --- build -------------------------------------------------------------------
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DQRUSTBRIDGE_BUILD_QML=ON -DQRUSTBRIDGE_TEST_SUBSET=ON -DQRUSTBRIDGE_BUILD_EXAMPLES=OFF >/dev/null
fi
jobs=()
[ -n "${BENCH_JOBS:-}" ] && jobs=(-j "$BENCH_JOBS")
echo "building the benchmarks and the $backend_kind backend in $build ..." >&2
targets=(benchmarks)
[ $backend_kind = demo ] && targets+=(demo-backend_cargo)
cmake --build "$build" "${jobs[@]}" --target "${targets[@]}" >"$build/bench-build.log" 2>&1 ||
  { tail -30 "$build/bench-build.log" >&2; exit 1; }
# shellcheck source=/dev/null
source "$build/tests/benchmarks/bench-paths.sh"
if [ $backend_kind = peer ]; then
  # Its own crate, outside rust/'s workspace; cargo reads the offline
  # registry setup from the crate's .cargo/config.toml, so run it from there.
  (cd "$root/tests/benchmarks/echo-peer" &&
    cargo build --release --offline "${jobs[@]}" --target-dir "$build/echo-peer-target") >>"$build/bench-build.log" 2>&1 ||
    { tail -30 "$build/bench-build.log" >&2; exit 1; }
  BENCH_BACKEND=$build/echo-peer-target/release/echo-peer
  serde_json_version=$(sed -n '/^name = "serde_json"/{n;s/^version = "\(.*\)"/\1/p;}' \
    "$root/tests/benchmarks/echo-peer/Cargo.lock" 2>/dev/null || true)
  backend_desc="independent echo peer (tests/benchmarks/echo-peer: std + serde_json $serde_json_version, blocking I/O, one thread)"
else
  backend_desc="demo backend (rust/demo-backend on the qrustbridge crate)"
fi

# --- smartrust -----------------------------------------------------------------
node_dir=$build/node-smartrust
smartrust_status="not run (--no-smartrust)"
if [ $use_smartrust = 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    smartrust_status="not run: node/npm not found"
    use_smartrust=0
  else
    mkdir -p "$node_dir"
    [ -f "$node_dir/package.json" ] || echo '{"name":"bench-node-smartrust","private":true}' >"$node_dir/package.json"
    if [ ! -f "$node_dir/node_modules/@push.rocks/smartrust/package.json" ]; then
      echo "installing @push.rocks/smartrust into $node_dir ..." >&2
      if ! (cd "$node_dir" && npm install --no-audit --no-fund @push.rocks/smartrust@^1) >"$node_dir/npm.log" 2>&1; then
        smartrust_status="not run: npm install failed: $(tail -1 "$node_dir/npm.log")"
        use_smartrust=0
      fi
    fi
    if [ $use_smartrust = 1 ]; then
      smartrust_status="@push.rocks/smartrust $(node -p "require('$node_dir/node_modules/@push.rocks/smartrust/package.json').version") on node $(node --version)"
    fi
  fi
fi

clients=(rawpipe qrustbridge handrolled)
[ $use_smartrust = 1 ] && clients+=(smartrust)
# QML's call() runs the message workloads (seq, pipelined, stream) only.
message_clients=("${clients[@]}")
qml_status="not built (QRUSTBRIDGE_BUILD_QML=OFF in $build)"
if [ -n "${BENCH_QML:-}" ]; then
  message_clients+=(qml)
  qml_status="bench_qml (QQmlEngine, RustBridge.call() promises)"
fi

# --- run -----------------------------------------------------------------------
results=$build/bench-results.jsonl
log=$build/bench-stderr.log
: >"$results"
: >"$log"
declare -A slow
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)

# run CLIENT WORKLOAD [SIZE [VARIANT]]: one fresh process, one result line.
run() {
  local client=$1 workload=$2 size=${3:-0} variant=${4:-} key="$1/$2/${3:-0}/${4:-}"
  [ -n "${slow[$key]:-}" ] && return 0
  local cmd=()
  case $client in
    rawpipe) cmd=("$BENCH_RAWPIPE") ;;
    qrustbridge) cmd=("$BENCH_QRUSTBRIDGE") ;;
    qml) cmd=("$BENCH_QML") ;;
    handrolled) cmd=("$BENCH_HANDROLLED") ;;
    smartrust) cmd=(node "$root/tests/benchmarks/bench_smartrust.mjs" --module-dir "$node_dir") ;;
  esac
  cmd+=(--workload "$workload" --backend "$BENCH_BACKEND")
  [ "$size" != 0 ] && cmd+=(--size "$size")
  [ $quick = 1 ] && cmd+=(--quick)
  case $workload in pipelined|futures) cmd+=("${pipelined_args[@]}") ;; esac
  [ -n "$variant" ] && cmd+=(--variant "$variant")
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$(timeout -k 5 "$limit" "${cmd[@]}" 2>>"$log" | grep '^BENCH ' | tail -1 || true)
  t1=$(date +%s.%N)
  if [ -z "$out" ]; then
    out="BENCH {\"client\":\"$client\",\"workload\":\"$workload\",\"size_mib\":$size,\"timeout\":$limit}"
  fi
  echo "${out#BENCH }" >>"$results"
  local took
  took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  printf '  %-12s %-17s %3s MiB  %6.1f s\n' "$client" "$workload${variant:+/$variant}" "$size" "$took" >&2
  if awk -v t="$took" -v s="$slow_run" 'BEGIN { exit !(t > s) }'; then slow[$key]=1; fi
}

for round in $(seq 1 $rounds); do
  echo "round $round/$rounds" >&2
  for workload in seq pipelined stream; do
    for client in "${message_clients[@]}"; do run "$client" "$workload"; done
  done
  # QRustBridge with context-free continuations and with the callback overload,
  # and the floors its architecture and the QFuture API set (docs/benchmarks.md).
  run qrustbridge seq 0 direct
  run qrustbridge seq 0 callback
  run qrustbridge wakeup
  run qrustbridge pipelined 0 direct
  run qrustbridge pipelined 0 callback
  run qrustbridge futures
  run qrustbridge futures 0 direct
  # Memory and stall runs once: each does its repetitions in one fresh process.
  if [ "$round" = 1 ]; then
    for size in 1 10 50; do
      for client in "${clients[@]}"; do run "$client" echo "$size"; done
    done
    for client in "${clients[@]}"; do run "$client" stall; done
  fi
done

# --- report ----------------------------------------------------------------------
notes=$build/bench-notes.md
{
  echo "Machine and run:"
  echo
  echo "- command: \`scripts/bench.sh$flags\`, $rounds round(s), medians; $(( $(date +%s) - started )) s"
  echo "- commit: ${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}$(git -C "$root" status --porcelain src include 2>/dev/null | grep -q . && echo ' (src/ or include/ modified in the work tree)')"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; RAM $(free -g | awk '/Mem:/{print $2}') GiB; kernel $(uname -r)"
  echo "- load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Qt $(qtpaths6 --qt-version 2>/dev/null || /usr/lib/qt6/bin/qtpaths --qt-version 2>/dev/null || qmake6 -query QT_VERSION 2>/dev/null || echo '?')"
  echo "- backend: $backend_desc, \`${BENCH_BACKEND#"$root"/}\` (cargo --release)"
  echo "- smartrust: $smartrust_status"
  echo "- QML client: $qml_status"
} >"$notes"
python3 "$root/tests/benchmarks/report.py" "$results" --notes "$notes" | tee "$build/bench-report.md"
echo >&2
echo "raw results: $results; report: $build/bench-report.md" >&2
