#!/usr/bin/env bash
# Runs every Hotline test: the Swift unit and API tests, the command-line
# tests against the real binary, SIP interop with real peers, the browser
# tests in Debian's Chromium, and the SIP parser fuzzer for a bounded time.
# Installs what the tests need first. One build serves all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output

bash scripts/install-test-deps.sh || { echo "could not install test dependencies"; exit 1; }

echo "== building (debug, with tests)"
swift build --build-tests 2>&1 | tee test-output/build.log | grep -E "error:|warning:|Build complete" | tail -20
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    echo "build failed; see test-output/build.log"
    echo "0 passed, 1 failed"
    exit 1
fi

failed=0
passed=0

echo "== swift test"
swift test --skip-build 2>&1 | tee test-output/swift-test.log | grep -E "^✘|Test run|error:" | tail -40
swift_status=${PIPESTATUS[0]}
swift_total=$(grep -oE "Test run with [0-9]+ tests?" test-output/swift-test.log | grep -oE "[0-9]+" | tail -1)
swift_failed=$(grep -cE "^✘ Test .* failed" test-output/swift-test.log || true)
if [ "$swift_status" -ne 0 ]; then
    failed=$((failed + (swift_failed > 0 ? swift_failed : 1)))
    passed=$((passed + ${swift_total:-0} - swift_failed))
else
    passed=$((passed + ${swift_total:-0}))
fi

echo "== pytest (command line and browser)"
HOTLINE_BIN="$PWD/.build/debug/hotline" python3 -m pytest -q -p no:cacheprovider e2e 2>&1 | tee test-output/pytest.log | tail -30
py_status=${PIPESTATUS[0]}
py_summary=$(tail -1 test-output/pytest.log)
py_passed=$(grep -oE "[0-9]+ passed" <<<"$py_summary" | grep -oE "[0-9]+" || echo 0)
py_failed=0
for n in $(grep -oE "[0-9]+ (failed|errors?)" <<<"$py_summary" | grep -oE "^[0-9]+"); do py_failed=$((py_failed + n)); done
passed=$((passed + ${py_passed:-0}))
failed=$((failed + ${py_failed:-0}))
if [ "$py_status" -ne 0 ] && [ "${py_failed:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

echo "== fuzz: the SIP parser under libFuzzer for a bounded time"
fuzz_seconds=${HOTLINE_FUZZ_SECONDS:-60}
# Debug: its instrumented build takes half as long as release on a fresh
# machine, and adds Swift's bounds checks on unsafe buffers. Long campaigns
# run offline with FUZZ_CONFIGURATION=release (see fuzz/README.md).
FUZZ_CONFIGURATION=${FUZZ_CONFIGURATION:-debug} bash fuzz/run.sh "$fuzz_seconds" > test-output/fuzz.log 2>&1
fuzz_status=$?
grep -E "fuzz target built|stat::number_of_executed_units|Done [0-9]+ runs|ERROR|SUMMARY" test-output/fuzz.log | tail -5
if [ "$fuzz_status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "fuzzing found a problem: see test-output/fuzz.log"; fi

echo
echo "screenshots and logs: test-output/"
echo "$passed passed, $failed failed"
[ "$swift_status" -eq 0 ] && [ "$py_status" -eq 0 ] && [ "$fuzz_status" -eq 0 ]
