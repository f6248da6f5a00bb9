#!/usr/bin/env bash
# The long crash loop (docs/reliability.md): three official automerge-repo clients type into one
# meeting while the server process, then Redis (AOF, fsync always), is killed with SIGKILL and
# restarted, CYCLES times each. Afterwards both are killed, Redis alone restarts from its AOF, and
# every token a client saw acknowledged must be in the stored document. "sentinel" kills the primary
# of a Sentinel-watched Redis instead (Debian's redis-server and redis-sentinel, a primary, a replica
# and three Sentinels; MINUTES_REDIS_MIN_REPLICAS=1), which the replica replaces each time.
#
#   scripts/crash-loop.sh [server|redis|both|sentinel] [CYCLES=100] [SEED=now]
#
# Prints per target: crash-loop target=… seed=… cycles=… typists=3 typed=… acknowledged=… lost=… …
# and exits 1 if any acknowledged token was lost.
set -euo pipefail
exec "$(dirname "$0")/run-test-main.sh" dev.minutes.reliability.CrashLoop "${1:-both}" "${2:-100}" "${3:-$(date +%s)}"
