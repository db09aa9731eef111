#!/usr/bin/env bash
# Parser micro-benchmark: builds SIP in release in its own scratch path,
# links main.swift against it and runs it with an allocation counter.
#   bench/sip-parser/run.sh [ITERATIONS]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="$HERE/.build"
cd "$ROOT"
mkdir -p "$SCRATCH"
swift build -c release --scratch-path "$SCRATCH" --target SIP >"$SCRATCH/build.log" 2>&1 \
    || { tail -40 "$SCRATCH/build.log"; exit 2; }
RELEASE="$SCRATCH/release"
modulemaps=()
for m in "$RELEASE"/*.build/module.modulemap; do modulemaps+=(-Xcc "-fmodule-map-file=$m"); done
for m in "$SCRATCH"/checkouts/*/Sources/*/include/module.modulemap; do
    name="$(basename "$(dirname "$(dirname "$m")")")"
    [ -e "$RELEASE/$name.build/module.modulemap" ] || modulemaps+=(-Xcc "-fmodule-map-file=$m")
done
mapfile -t objects < <(find -L "$RELEASE/" -path "$RELEASE/Modules" -prune -o -name '*.o' -print)
# BoringSSL (Crypto, used by the SIP target's digest code) is C++: link its runtime.
swiftc -O -I "$RELEASE/Modules" "${modulemaps[@]}" "$HERE/main.swift" "${objects[@]}" -lstdc++ \
    -o "$SCRATCH/sip-parser-bench" >>"$SCRATCH/build.log" 2>&1 || { tail -40 "$SCRATCH/build.log"; exit 2; }
cc -O2 -shared -fPIC -o "$SCRATCH/libmalloccount.so" "$HERE/malloccount.c"
LD_PRELOAD="$SCRATCH/libmalloccount.so" "$SCRATCH/sip-parser-bench" "$@"
