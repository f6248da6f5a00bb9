#!/usr/bin/env bash
# Runs a main class of the test tree (the long reliability and security runs) on a snapshot of the
# compiled classes:  scripts/run-test-main.sh dev.minutes.SomeMain [args…]
# Servers started by those mains restart from the snapshot, so a rebuild during a long run cannot
# change or remove classes under them. Needs Java 17, Maven (MVN, default mvn) and Node.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn}
main=$1
shift
run="$PWD/target/run-${main##*.}" # absolute: the server processes start in another directory
"$MVN" -q -Dnpm.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile="$run.classpath" -Dmdep.includeScope=test
rm -rf "$run" && mkdir -p "$run" && cp -r target/classes "$run/classes" && cp -r target/test-classes "$run/test-classes"
MINUTES_LOG_LEVEL=${MINUTES_LOG_LEVEL:-WARN} exec java -cp "$run/test-classes:$run/classes:$(cat "$run.classpath")" "$main" "$@"
