#!/usr/bin/env bash
# What attacks cost legitimate users (docs/reliability.md): a server process, an honest editor
# timing each edit until acknowledged, and one attack per phase (message flood, oversized frames,
# connection flood, slow-loris, viewer writes). Prints latency percentiles, server CPU and memory,
# and the refusals counted, per phase.
#
#   scripts/attack-latency.sh [SECONDS_PER_PHASE=10]
set -euo pipefail
exec "$(dirname "$0")/run-test-main.sh" dev.minutes.security.AttackLatencyProbe "${1:-10}"
