#!/usr/bin/env bash
# The browsers' client under load: N unmodified automerge-repo 2.5.6 clients (Automerge 3.5, in Node:
# src/test/node/client.mjs) in one meeting type one key every 200 ms each (5 keystrokes/s) into this
# server, started on loopback with the embedded Redis. Prints the server's CPU (JVM + Redis) over the
# measured window, the clients' CPU, the fast-path counters, and whether every client ended with the
# same text. The Java load tool (docs/performance.md) measures latency; this measures what real
# clients cost the server.
#
#   scripts/bench-browsers.sh                       # 10 clients, 30 s warm-up, 30 s measured
#   CLIENTS=20 WARMUP=45 DURATION=60 scripts/bench-browsers.sh
#
# Needs target/minutes.jar (mvn -q -DskipTests package), Java 17+, Node 20+ (npm ci in src/test/node on
# first use), curl. Environment: CLIENTS, WARMUP and DURATION (seconds), PORT (default 18490), JAR.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CLIENTS="${CLIENTS:-10}"
WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-30}"
PORT="${PORT:-18490}"
JAR="${JAR:-$ROOT/target/minutes.jar}"
SCRATCH="$(mktemp -d /tmp/minutes-bench-browsers.XXXXXX)"

[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
if [ ! -d "$ROOT/src/test/node/node_modules/@automerge/automerge-repo" ]; then
  (cd "$ROOT/src/test/node" && npm ci --no-audit --no-fund --silent)
fi

SERVER_PID=""
CLIENT_PIDS=()
cleanup() {
  for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sum_ticks() { local total=0; for pid in "$@"; do total=$((total + $(ticks "$pid"))); done; echo "$total"; }

MINUTES_HTTP_HOST=127.0.0.1 MINUTES_HTTP_PORT=$PORT MINUTES_DATA_DIR="$SCRATCH/data" MINUTES_LOG_LEVEL=WARN \
  MINUTES_MAX_CONNECTIONS_PER_IP=100000 java -jar "$JAR" > "$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
REDIS_PID=$(pgrep -P "$SERVER_PID" redis-server)

meeting=$(curl -sf -X POST -H 'content-type: application/json' -d '{"chair":"Bench","agenda":["Load"]}' \
  "http://127.0.0.1:$PORT/api/meetings")
field() { node -e "const m = JSON.parse(process.argv[1]); console.log($1)" "$meeting"; }
URL=$(field 'm.documentUrl')
TOKEN=$(field 'm.tokens.editor')

# Each client types for the warm-up, the measured window and 10 s more, so that the window sees steady typing.
KEYS=$(( (WARMUP + DURATION + 10) * 5 ))
TEXT=$(head -c "$KEYS" < <(yes abcdefghij | tr -d '\n'))
for i in $(seq 1 "$CLIENTS"); do
  {
    echo "{\"id\":1,\"cmd\":\"find\",\"url\":\"$URL\"}"
    sleep 3
    echo "{\"id\":2,\"cmd\":\"type\",\"text\":\"$TEXT\",\"at\":0,\"intervalMs\":200}"
    echo "{\"id\":3,\"cmd\":\"waitSaved\",\"timeoutMs\":60000}"
    sleep $((WARMUP + DURATION + 25))
    echo "{\"id\":4,\"cmd\":\"text\"}"
    sleep 2
  } | node "$ROOT/src/test/node/client.mjs" --url "ws://127.0.0.1:$PORT/sync?token=$TOKEN" > "$SCRATCH/client-$i.out" 2>/dev/null &
  CLIENT_PIDS+=($!)
done

sleep $((WARMUP + 3))
NODE_PIDS=$(pgrep -f "src/test/node/client.mjs" | tr '\n' ' ')
server_before=$(sum_ticks "$SERVER_PID" "$REDIS_PID"); clients_before=$(sum_ticks $NODE_PIDS); started=$(date +%s.%N)
sleep "$DURATION"
server_after=$(sum_ticks "$SERVER_PID" "$REDIS_PID"); clients_after=$(sum_ticks $NODE_PIDS); ended=$(date +%s.%N)
metrics=$(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^minutes_sync_(fast_path_messages|fast_path_exits|messages_in|messages_out)_total' || true)

for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || true; done
CLIENT_PIDS=()
finals=$(for i in $(seq 1 "$CLIENTS"); do
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const last = lines.find(l => l.id === 4); console.log(last && last.ok ? `${last.text.length} ${last.heads.join(",")}` : "no-answer")' \
    "$SCRATCH/client-$i.out"
done | sort | uniq -c)

node -e '
const [clients, duration, sb, sa, cb, ca, metrics, finals] = process.argv.slice(1)
const seconds = Number(duration)
const server = (Number(sa) - Number(sb)) / seconds
const tool = (Number(ca) - Number(cb)) / seconds
console.log(`clients                ${clients} automerge-repo 2.5.6 clients in one meeting, 5 keystrokes/s each`)
console.log(`server CPU             ${server.toFixed(1)} % of one core (${(server / clients).toFixed(2)} % per client), JVM + Redis`)
console.log(`clients CPU            ${tool.toFixed(1)} % of one core`)
for (const line of metrics.split("\n").filter(Boolean)) console.log(`metric                 ${line}`)
const distinct = finals.split("\n").filter(Boolean)
console.log(`converged              ${distinct.length === 1 && !distinct[0].includes("no-answer") ? "yes" : "NO"}: ${distinct.map(s => s.trim()).join(" | ")}`)
' "$CLIENTS" "$(awk "BEGIN {print $ended - $started}")" "$server_before" "$server_after" "$clients_before" "$clients_after" "$metrics" "$finals"
