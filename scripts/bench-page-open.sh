#!/usr/bin/env bash
# Benchmark (not a test) of opening a long meeting in the page: frontend/bench/page-open.mjs grows
# meetings to 20,000 and 50,000 changes by three authors with the official client, opens each in
# headless Chromium with a fresh profile three times and prints navigation -> readable text and
# navigation -> editable (JSON, medians). This script starts a server for it on loopback with the
# embedded Redis and the page from frontend/dist (or WEBROOT), and stops it afterwards.
#
#   scripts/bench-page-open.sh
#   SIZES=50000 RUNS=5 TRACE=1 scripts/bench-page-open.sh
#   DATA_DIR=/tmp/open-data MEETINGS_FILE=/tmp/open-data/meetings.json WEBROOT=/tmp/old-dist scripts/bench-page-open.sh
#       (keeps the server's data and the meetings written: a second run with another WEBROOT opens
#        the same meetings with another build of the page)
#
# Needs target/minutes.jar (mvn -q -DskipTests package), frontend/dist (cd frontend && npm run build),
# Node 20+ with npm ci done in frontend/ and src/test/node/, /usr/bin/chromium. Environment: SIZES,
# RUNS, TRACE, TRACE_DIR, MEETINGS_FILE, LATENCY_MS (see page-open.mjs), PORT (default 18492), JAR, WEBROOT,
# DATA_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PORT:-18492}"
JAR="${JAR:-$ROOT/target/minutes.jar}"
WEBROOT="${WEBROOT:-$ROOT/frontend/dist}"
SCRATCH="$(mktemp -d /tmp/minutes-bench-open.XXXXXX)"
DATA_DIR="${DATA_DIR:-$SCRATCH/data}"

[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
[ -f "$WEBROOT/index.html" ] || { echo "build the page first: cd frontend && npm run build" >&2; exit 2; }

SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# The server serves ./webroot before the page inside the jar: the page as built now.
ln -s "$WEBROOT" "$SCRATCH/webroot"
mkdir -p "$DATA_DIR"
# The authors write as fast as the client can: lift the per-connection message rate for them.
cd "$SCRATCH"
MINUTES_HTTP_HOST=127.0.0.1 MINUTES_HTTP_PORT=$PORT MINUTES_DATA_DIR="$DATA_DIR" MINUTES_LOG_LEVEL=WARN \
  MINUTES_MAX_MESSAGES_PER_SECOND=100000 java -jar "$JAR" > "$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done

cd "$ROOT/frontend"
MINUTES_URL="http://127.0.0.1:$PORT" node bench/page-open.mjs
