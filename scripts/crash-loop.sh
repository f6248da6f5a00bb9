#!/usr/bin/env bash
# The long crash loop (docs/reliability.md): three official automerge-repo clients type into one
# meeting while the server process, then Redis (AOF, fsync always), is killed with SIGKILL and
# restarted, CYCLES times each. Afterwards both are killed, Redis alone restarts from its AOF, and
# every token a client saw acknowledged must be in the stored document.
#
#   scripts/crash-loop.sh [server|redis|both] [CYCLES=100] [SEED=now]
#
# Prints per target: crash-loop target=… seed=… cycles=… typists=3 typed=… acknowledged=… lost=… elapsed=…
# and exits 1 if any acknowledged token was lost. Needs Java 17, Maven (MVN, default mvn) and Node.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn}
run="$PWD/target/crash-loop" # absolute: the server processes start in another directory
"$MVN" -q -Dnpm.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile="$run.classpath" -Dmdep.includeScope=test
# A copy of the compiled classes: the server is restarted from them in every cycle, and a rebuild
# during a long run must not change or remove them under it.
rm -rf "$run" && mkdir -p "$run" && cp -r target/classes "$run/classes" && cp -r target/test-classes "$run/test-classes"
MINUTES_LOG_LEVEL=${MINUTES_LOG_LEVEL:-WARN} exec java -cp "$run/test-classes:$run/classes:$(cat "$run.classpath")" \
  dev.minutes.reliability.CrashLoop "${1:-both}" "${2:-100}" "${3:-$(date +%s)}"
