#!/usr/bin/env bash
# RTP relay micro-benchmark: builds MediaEngine in release in its own scratch path,
# links main.swift against it and runs it with an allocation counter.
#   bench/media-relay/run.sh [PACKETS]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
exec "$HERE/../lib/micro-bench.sh" "$HERE" MediaEngine media-relay-bench "$@"
