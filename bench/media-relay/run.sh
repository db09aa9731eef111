#!/usr/bin/env bash
# RTP relay micro-benchmark: builds MediaEngine in release in its own scratch path,
# links main.swift against it and runs it with an allocation counter.
#   bench/media-relay/run.sh [PACKETS]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="$HERE/.build"
cd "$ROOT"
mkdir -p "$SCRATCH"
swift build -c release --scratch-path "$SCRATCH" --target MediaEngine >"$SCRATCH/build.log" 2>&1 \
    || { tail -40 "$SCRATCH/build.log"; exit 2; }
RELEASE="$SCRATCH/release"
modulemaps=()
for m in "$RELEASE"/*.build/module.modulemap; do modulemaps+=(-Xcc "-fmodule-map-file=$m"); done
for m in "$SCRATCH"/checkouts/*/Sources/*/include/module.modulemap; do
    name="$(basename "$(dirname "$(dirname "$m")")")"
    [ -e "$RELEASE/$name.build/module.modulemap" ] || modulemaps+=(-Xcc "-fmodule-map-file=$m")
done
mapfile -t objects < <(find -L "$RELEASE/" -path "$RELEASE/Modules" -prune -o -name '*.o' -print)
# Link the NIO C shims and the Swift runtime.
swiftc -O -I "$RELEASE/Modules" "${modulemaps[@]}" "$HERE/main.swift" "${objects[@]}" -lstdc++ \
    -o "$SCRATCH/media-relay-bench" >>"$SCRATCH/build.log" 2>&1 || { tail -40 "$SCRATCH/build.log"; exit 2; }
cc -O2 -shared -fPIC -o "$SCRATCH/libmalloccount.so" "$HERE/../sip-parser/malloccount.c"
LD_PRELOAD="$SCRATCH/libmalloccount.so" "$SCRATCH/media-relay-bench" "$@"
