#!/usr/bin/env bash
# The soak (docs/reliability.md): one node under ordinary use for MINUTES minutes (official clients
# typing into MEETINGS meetings, TYPISTS_PER_MEETING each; the load tool typing a keystroke per change
# into meetings of its own; a meeting created, typed into, closed and published every 30 s; a page
# reload every 10 s), then a count of what its log reports. SOAK_REDIS_URL points it at a Redis of
# your own; without, the node runs its embedded one.
#
#   scripts/soak.sh [MINUTES=10] [MEETINGS=4] [TYPISTS_PER_MEETING=3]
#
# Prints: soak minutes=… tokens=… acknowledged=… closes=… published=… reloads=… not-written=…
# poll-failures=… blocked-threads=… warn-lines=… error-lines=…, then the first WARN/ERROR lines, and
# exits 1 if Redis commands went unwritten, the publish worker could not poll, or a thread blocked.
set -euo pipefail
exec "$(dirname "$0")/run-test-main.sh" dev.minutes.reliability.Soak "${1:-10}" "${2:-4}" "${3:-3}"
