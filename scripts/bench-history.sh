#!/usr/bin/env bash
# Benchmark (not a test) of who-wrote-what and the timeline on a big meeting: frontend/bench/history.mjs
# writes a 50,000-change meeting by three authors with the official client, opens it in headless
# Chromium and prints the times (JSON). This script starts a server for it on loopback with the
# embedded Redis and the page from frontend/dist, and stops it afterwards.
#
#   scripts/bench-history.sh                  # 50,000 changes
#   CHANGES=20000 STEPS=50 scripts/bench-history.sh
#
# Needs target/minutes.jar (mvn -q -DskipTests package), frontend/dist (cd frontend && npm run build),
# Node 20+ with npm ci done in frontend/ and src/test/node/, /usr/bin/chromium. Environment: CHANGES,
# STEPS, PORT (default 18491), JAR.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PORT:-18491}"
JAR="${JAR:-$ROOT/target/minutes.jar}"
SCRATCH="$(mktemp -d /tmp/minutes-bench-history.XXXXXX)"

[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
[ -f "$ROOT/frontend/dist/index.html" ] || { echo "build the page first: cd frontend && npm run build" >&2; exit 2; }

SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# The server serves ./webroot before the page inside the jar: the page as built now.
ln -s "$ROOT/frontend/dist" "$SCRATCH/webroot"
# The authors write as fast as the client can: lift the per-connection message rate for them.
cd "$SCRATCH"
MINUTES_HTTP_HOST=127.0.0.1 MINUTES_HTTP_PORT=$PORT MINUTES_DATA_DIR="$SCRATCH/data" MINUTES_LOG_LEVEL=WARN \
  MINUTES_MAX_MESSAGES_PER_SECOND=100000 java -jar "$JAR" > "$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done

cd "$ROOT/frontend"
MINUTES_URL="http://127.0.0.1:$PORT" node bench/history.mjs
