#!/usr/bin/env bash
# Scenario (e) of docs/performance.md: the same total load on one, two and three nodes of one Redis.
# PLACEMENT=client (default): every typist's socket goes to the next node round robin (a load balancer
# without affinity), so the typists of one meeting sit on different nodes and every keystroke crosses
# nodes through Redis. PLACEMENT=meeting: all typists of meeting m on node m mod count (a balancer that
# hashes on the meeting, as docker/nginx does). PLACEMENT="client meeting" runs both.
#
#   scripts/bench-nodes.sh                    # 60 typists in meetings of 10, on 1, 2 and 3 nodes
#   TYPISTS=100 NODES="1 3" scripts/bench-nodes.sh
#
# Needs target/minutes.jar (mvn -q -DskipTests package), Java 17+ and Node 20+. The Redis is the
# redis-server that the jar carries for its embedded default, started here with the same settings
# (AOF, fsync always). Environment: SCRATCH (default /tmp/minutes-bench), OUT (result folder),
# TYPISTS (default 60), MEETING_SIZE (10), DURATION (30s), WARMUP (30s), NODES (default "1 2 3"),
# PLACEMENT (default "client").
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCRATCH="${SCRATCH:-/tmp/minutes-bench}"
OUT="${OUT:-$SCRATCH/nodes-$(date +%Y%m%d-%H%M%S)}"
TYPISTS="${TYPISTS:-60}"
MEETING_SIZE="${MEETING_SIZE:-10}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-30s}"
NODES="${NODES:-1 2 3}"
PLACEMENT="${PLACEMENT:-client}"
JAR="$ROOT/target/minutes.jar"
TOOL_JAR="$ROOT/target/minutes-loadtool.jar" # runs on the server jar's classes beside it
REDIS_PORT=18490
FIRST_PORT=18480

[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
mkdir -p "$SCRATCH" "$OUT"
REDIS_BIN="$SCRATCH/redis-server"
if [ ! -x "$REDIS_BIN" ]; then
  unzip -p "$JAR" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_BIN"
  chmod +x "$REDIS_BIN"
fi

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT

wait_for_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listens on port $1" >&2
  return 1
}

for placement in $PLACEMENT; do
for count in $NODES; do
  # One node is the same whatever the placement: run it once.
  if [ "$count" = 1 ] && [ "$placement" != "$(echo $PLACEMENT | cut -d' ' -f1)" ]; then continue; fi
  data="$SCRATCH/data/nodes-$count"
  rm -rf "$data" && mkdir -p "$data/redis"
  "$REDIS_BIN" --port $REDIS_PORT --bind 127.0.0.1 --dir "$data/redis" --appendonly yes --appendfsync always \
    --save '' > "$OUT/redis-$count.log" 2>&1 &
  PIDS+=($!)
  redis_pid=$!
  wait_for_port $REDIS_PORT
  urls=()
  pids="$redis_pid"
  for n in $(seq 1 "$count"); do
    port=$((FIRST_PORT + n - 1))
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT" MINUTES_HTTP_HOST=127.0.0.1 MINUTES_HTTP_PORT=$port \
      MINUTES_DATA_DIR="$data/node-$n" MINUTES_LOG_LEVEL=WARN MINUTES_MAX_CONNECTIONS_PER_IP=100000 \
      java -jar "$JAR" > "$OUT/node-$count-$n.log" 2>&1 &
    PIDS+=($!)
    pids="$pids,$!"
    urls+=("ws://127.0.0.1:$port/sync")
  done
  for n in $(seq 1 "$count"); do wait_for_port $((FIRST_PORT + n - 1)); done
  echo "== $count node(s), placement by $placement: $TYPISTS typists in meetings of $MEETING_SIZE" >&2
  servers=$(IFS=,; echo "${urls[*]}")
  timeout 900 java -jar "$TOOL_JAR" --server "$servers" --server-pid "$pids" \
    --label "$count node(s)" --typists "$TYPISTS" --meeting-size "$MEETING_SIZE" --rate 5 --placement "$placement" \
    --duration "$DURATION" --warmup "$WARMUP" --drain 10s --json "$OUT/e$count-$placement.json" 2> >(grep -v ' INFO ' >&2) >&2 ||
    echo "run failed: $count node(s), placement by $placement" >&2
  stop_all
done
done

node - "$OUT" <<'EOF' | tee "$OUT/nodes.md"
const fs = require("fs"), path = require("path")
const dir = process.argv[2]
const runs = fs.readdirSync(dir).filter(f => /^e\d+-\w+\.json$/.test(f)).sort()
  .map(f => ({ placement: f.match(/^e\d+-(\w+)\.json$/)[1], ...JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) }))
const f = v => (typeof v === "number" ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) : "–")
console.log("| nodes | sockets placed by | typed % | p50 ms | p99 ms | undelivered | Redis CPU % | CPU % of each node | all CPU % | CPU % per typist |")
console.log("|---|---|---|---|---|---|---|---|---|---|")
for (const r of runs) {
  const [redis, ...nodes] = r.serverProcesses
  const typed = (100 * r.keystrokes) / (r.typists * r.rate * r.measuredSeconds)
  console.log(`| ${nodes.length} | ${nodes.length === 1 ? "–" : r.placement} | ${f(typed)} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p99)} | ${r.undeliveredAfterDrain} | ` +
    `${f(redis.cpuPercent)} | ${nodes.map(n => f(n.cpuPercent)).join(" / ")} | ${f(r.serverCpuPercent)} | ` +
    `${r.serverCpuPerTypistPercent.toFixed(2)} |`)
}
EOF
