#!/usr/bin/env bash
# Parser micro-benchmark: builds SIP in release in its own scratch path,
# links main.swift against it and runs it with an allocation counter.
#   bench/sip-parser/run.sh [ITERATIONS]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
exec "$HERE/../lib/micro-bench.sh" "$HERE" SIP sip-parser-bench "$@"
