#!/usr/bin/env bash
# Shared by the micro-benchmarks: builds one target in release in the
# benchmark's own scratch path, links the benchmark's main.swift against it
# (C shims and the C++ runtime BoringSSL needs included) and runs it with the
# allocation counter preloaded.
#   micro-bench.sh BENCH_DIR TARGET BINARY_NAME [ARGS...]
set -euo pipefail
HERE="$1" TARGET="$2" NAME="$3"
shift 3
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCRATCH="$HERE/.build"
cd "$ROOT"
mkdir -p "$SCRATCH"
swift build -c release --scratch-path "$SCRATCH" --target "$TARGET" >"$SCRATCH/build.log" 2>&1 \
    || { tail -40 "$SCRATCH/build.log"; exit 2; }
RELEASE="$SCRATCH/release"
source "$ROOT/scripts/lib/swift-link-inputs.sh"
swift_link_inputs "$RELEASE" "$SCRATCH"
swiftc -O -I "$RELEASE/Modules" "${modulemaps[@]}" "$HERE/main.swift" "${objects[@]}" -lstdc++ \
    -o "$SCRATCH/$NAME" >>"$SCRATCH/build.log" 2>&1 || { tail -40 "$SCRATCH/build.log"; exit 2; }
cc -O2 -shared -fPIC -o "$SCRATCH/libmalloccount.so" "$ROOT/bench/sip-parser/malloccount.c"
LD_PRELOAD="$SCRATCH/libmalloccount.so" "$SCRATCH/$NAME" "$@"
