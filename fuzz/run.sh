#!/usr/bin/env bash
# Builds the SIP parser fuzzer and runs it for a bounded time.
#   fuzz/run.sh SECONDS [extra libFuzzer flags]
#   FUZZ_CONFIGURATION=debug fuzz/run.sh SECONDS   # slower, adds Swift's debug-only
#                                                   # bounds checks on unsafe buffers
# Exits non-zero when libFuzzer finds a crash, leak or timeout; the input
# is left in fuzz/.build/artifacts/. Build output goes to its own scratch
# path (fuzz/.build), never to the shared .build.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
shift || true
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SCRATCH="$HERE/.build"
CONFIGURATION="${FUZZ_CONFIGURATION:-release}"
BIN="$SCRATCH/sip-fuzzer-${FUZZ_CONFIGURATION:-release}"
cd "$ROOT"

mkdir -p "$SCRATCH"
start=$(date +%s)
# 1. The SIP target and its dependencies, instrumented for coverage and ASan
#    (one flag: a second -sanitize= would replace the first).
swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --target SIP \
    -Xswiftc -sanitize=fuzzer,address >"$SCRATCH/build.log" 2>&1 \
    || { tail -40 "$SCRATCH/build.log"; exit 2; }
BUILD="$SCRATCH/$CONFIGURATION"
# 2. The entry point, linked with those objects; libFuzzer brings main().
source "$ROOT/scripts/lib/swift-link-inputs.sh"
swift_link_inputs "$BUILD" "$SCRATCH"
optimize=(-Onone)
[ "$CONFIGURATION" = release ] && optimize=(-O)
swiftc -sanitize=fuzzer,address -parse-as-library -g "${optimize[@]}" -lstdc++ \
    -I "$BUILD/Modules" "${modulemaps[@]}" \
    "$HERE/Sources/SIPFuzz.swift" "${objects[@]}" -o "$BIN" >>"$SCRATCH/build.log" 2>&1 \
    || { tail -40 "$SCRATCH/build.log"; exit 2; }
echo "fuzz target built in $(( $(date +%s) - start ))s"

# 3. Run: seeds stay read-only in fuzz/corpus, new inputs go to the scratch corpus.
mkdir -p "$SCRATCH/corpus" "$SCRATCH/artifacts"
# Let libFuzzer report traps itself: the Swift backtracer upsets ASan.
export SWIFT_BACKTRACE=enable=no
"$BIN" "$SCRATCH/corpus" "$HERE/corpus" \
    -dict="$HERE/sip.dict" \
    -max_total_time="$SECONDS_TO_RUN" \
    -max_len=4096 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -detect_leaks=0 \
    -print_final_stats=1 \
    -artifact_prefix="$SCRATCH/artifacts/" \
    "$@"
