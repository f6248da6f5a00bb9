#!/usr/bin/env bash
# Runs the load tool's scenarios against this server and the two reference automerge-repo servers,
# one after another on loopback, and prints one comparison table (docs/performance.md explains it).
#
#   scripts/bench-references.sh                 # everything (about 30 minutes)
#   SCENARIOS="a30 b25 c" scripts/bench-references.sh
#
# Needs target/minutes.jar (mvn -q -DskipTests package), Java 17+, Node 20+ with npm, and the npm
# registry the first time (the reference servers are installed into $SCRATCH, never into the repo).
# Environment: SCRATCH (default /tmp/minutes-bench), OUT (result folder, default $SCRATCH/results-<time>),
# DURATION (measured typing per run, default 30s), WARMUP (default 15s), SERVERS (default
# "ours repo-2.5.6 sync-server-0.2.8"), SCENARIOS (default: a10 a30 a50 a100 b25 b50 b100 c: aN = N typists in
# meetings of 10, bN = N authors in one meeting, c = late joiner then cold start, each timed
# with the Java load tool and with the browsers' client in Node), CLIENTS (typing scenarios: who types, default
# "java" = the load tool's own replicas; "js" = Automerge 3.5 replicas in Node workers speaking the protocol as
# the official client does, "repo" = the official Repo; several, e.g. "java js", run each in turn).
# Not in the default list (run them by name): wN = the big call, one meeting of N people of whom 10 type and
# N-10 watch (viewer links on this server); l = the long meeting (ours only: LONG_CHANGES, default 50000,
# keystrokes of 10 concurrent authors at LONG_RATE, default 20/s each; CPU per change at the start and the
# end, late joiners with the Java and the browsers' client, memory open and after unloading, then the
# browsers' client joining it again after a restart: cold, then warm).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCRATCH="${SCRATCH:-/tmp/minutes-bench}"
OUT="${OUT:-$SCRATCH/results-$(date +%Y%m%d-%H%M%S)}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-15s}"
SERVERS="${SERVERS:-ours repo-2.5.6 sync-server-0.2.8}"
SCENARIOS="${SCENARIOS:-a10 a30 a50 a100 b25 b50 b100 c}"
CLIENTS="${CLIENTS:-java}"
JAR="$ROOT/target/minutes.jar"
TOOL_JAR="$ROOT/target/minutes-loadtool.jar" # runs on the server jar's classes beside it
PORT_OURS=18480
PORT_REPO=18481
PORT_SYNC=18482

[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
mkdir -p "$SCRATCH" "$OUT"

install_references() {
  if [ ! -d "$SCRATCH/repo-2.5.6/node_modules/@automerge/automerge-repo-storage-nodefs" ]; then
    mkdir -p "$SCRATCH/repo-2.5.6"
    (cd "$SCRATCH/repo-2.5.6" && echo '{"name":"bench-repo-2.5.6","private":true,"type":"module"}' > package.json &&
      npm install --no-audit --no-fund --silent @automerge/automerge-repo@2.5.6 \
        @automerge/automerge-repo-network-websocket@2.5.6 @automerge/automerge-repo-storage-nodefs@2.5.6 ws@8)
  fi
  cp "$ROOT/scripts/bench/repo-2.5.6-server.mjs" "$SCRATCH/repo-2.5.6/server.mjs"
  if [ ! -d "$ROOT/src/test/node/node_modules/@automerge/automerge-repo" ]; then
    (cd "$ROOT/src/test/node" && npm ci --no-audit --no-fund --silent)
  fi
  if [ "$CLIENTS" != java ] && [ ! -d "$ROOT/src/loadtool/node/node_modules/@automerge/automerge" ]; then
    (cd "$ROOT/src/loadtool/node" && npm ci --no-audit --no-fund --silent)
  fi
  if [ ! -d "$SCRATCH/sync-server-0.2.8/node_modules/@automerge/automerge-repo-sync-server" ]; then
    mkdir -p "$SCRATCH/sync-server-0.2.8"
    (cd "$SCRATCH/sync-server-0.2.8" && echo '{"name":"bench-sync-server-0.2.8","private":true}' > package.json &&
      npm install --no-audit --no-fund --silent @automerge/automerge-repo-sync-server@0.2.8)
  fi
}

SERVER_PID=""
SERVER_PIDS=""
SERVER_URL=""
PROTOCOL_ONLY=""

wait_for_port() {
  local port=$1
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "server on port $port did not start" >&2
  return 1
}

# start_server NAME DATA_DIR: starts it on loopback and sets SERVER_PID, SERVER_PIDS, SERVER_URL, PROTOCOL_ONLY.
start_server() {
  local name=$1 data=$2
  mkdir -p "$data"
  case "$name" in
    ours)
      MINUTES_HTTP_HOST=127.0.0.1 MINUTES_HTTP_PORT=$PORT_OURS MINUTES_DATA_DIR="$data" MINUTES_LOG_LEVEL=WARN \
        MINUTES_MAX_CONNECTIONS_PER_IP=100000 \
        java -jar "$JAR" > "$OUT/$name.server.log" 2>&1 &
      SERVER_PID=$!
      wait_for_port $PORT_OURS
      local redis
      redis=$(pgrep -P "$SERVER_PID" redis-server || true)
      SERVER_PIDS="$SERVER_PID${redis:+,$redis}"
      SERVER_URL="ws://127.0.0.1:$PORT_OURS/sync"
      PROTOCOL_ONLY=""
      ;;
    repo-2.5.6)
      (cd "$SCRATCH/repo-2.5.6" && PORT=$PORT_REPO DATA_DIR="$data" exec node server.mjs) > "$OUT/$name.server.log" 2>&1 &
      SERVER_PID=$!
      wait_for_port $PORT_REPO
      SERVER_PIDS="$SERVER_PID"
      SERVER_URL="ws://127.0.0.1:$PORT_REPO"
      PROTOCOL_ONLY="--protocol-only"
      ;;
    sync-server-0.2.8)
      # As published: it listens on every interface; the load tool only ever connects to 127.0.0.1.
      (cd "$SCRATCH/sync-server-0.2.8" && PORT=$PORT_SYNC DATA_DIR="$data" \
        exec node node_modules/@automerge/automerge-repo-sync-server/src/index.js) > "$OUT/$name.server.log" 2>&1 &
      SERVER_PID=$!
      wait_for_port $PORT_SYNC
      SERVER_PIDS="$SERVER_PID"
      SERVER_URL="ws://127.0.0.1:$PORT_SYNC"
      PROTOCOL_ONLY="--protocol-only"
      ;;
  esac
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

load_tool() {
  timeout 900 java -jar "$TOOL_JAR" --server "$SERVER_URL" $PROTOCOL_ONLY \
    --server-pid "$SERVER_PIDS" "$@" 2> >(grep -v ' INFO ' >&2)
}

# run_typing NAME SCENARIO TYPISTS MEETING_SIZE CLIENTS [WATCHERS]: the result is NAME-SCENARIO.json for the
# Java typists, NAME-SCENARIO-js.json / -repo.json for the JavaScript ones (src/loadtool/node, npm ci once).
run_typing() {
  local name=$1 scenario=$2 typists=$3 size=$4 clients=$5 watchers=${6:-0}
  local key="$scenario"
  [ "$clients" = java ] || key="$scenario-$clients"
  local data="$SCRATCH/data/$name-$key"
  rm -rf "$data"
  start_server "$name" "$data"
  echo "== $name $key: $typists typists ($clients), meetings of $size, $watchers watchers each" >&2
  load_tool --label "$name" --clients "$clients" --typists "$typists" --meeting-size "$size" --rate 5 \
    --watchers "$watchers" \
    --duration "$DURATION" --warmup "$WARMUP" --drain 10s --json "$OUT/$name-$key.json" >&2 ||
    echo "run failed: $name $key" >&2
  stop_server
}

# js_joiner NAME SCENARIO JOINS [STATE]: times JOINS fresh automerge-repo clients in Node joining the document
# of a state file (default NAME's of scenario c) with src/test/node/late-joiner.mjs.
js_joiner() {
  local name=$1 scenario=$2 joins=$3 state=${4:-$OUT/$1-c.state.json}
  timeout 300 node "$ROOT/src/test/node/late-joiner.mjs" --state "$state" --url "$SERVER_URL" \
    --label "$name" --scenario "late-joiner-$scenario" --joins "$joins" --json "$OUT/$name-$scenario.json" >/dev/null
}

# run_join NAME: (c) late joiner of a 50,000-change meeting, then (d) the same document fetched after a restart.
run_join() {
  local name=$1
  local data="$SCRATCH/data/$name-c"
  rm -rf "$data"
  start_server "$name" "$data"
  echo "== $name c: late joiner of a 50,000-change meeting" >&2
  load_tool --label "$name" --scenario late-joiner --changes 50000 --state "$OUT/$name-c.state.json" \
    --json "$OUT/$name-c.json" >&2 || echo "run failed: $name c" >&2
  echo "== $name c-js: the same joins with the client browsers run (automerge-repo 2.5.6, Automerge 3.5)" >&2
  js_joiner "$name" cjs 5 || echo "run failed: $name c-js" >&2
  stop_server
  start_server "$name" "$data"
  echo "== $name d-js: cold start of that stored meeting, joined by the browsers' client" >&2
  js_joiner "$name" djs 2 || echo "run failed: $name d-js" >&2
  stop_server
  start_server "$name" "$data"
  echo "== $name d: cold start of that stored meeting" >&2
  load_tool --label "$name" --scenario fetch --state "$OUT/$name-c.state.json" --json "$OUT/$name-d.json" >&2 ||
    echo "run failed: $name d" >&2
  stop_server
}

# run_long NAME: (l) the long meeting, then the browsers' client joining it (its first join finds the
# meeting unloaded, i.e. cold; the next ones warm).
run_long() {
  local name=$1
  local data="$SCRATCH/data/$name-l"
  rm -rf "$data"
  start_server "$name" "$data"
  echo "== $name l: 10 authors grow one meeting to ${LONG_CHANGES:-50000} changes" >&2
  load_tool --label "$name" --scenario long-meeting --typists 10 --changes "${LONG_CHANGES:-50000}" \
    --rate "${LONG_RATE:-20}" --warmup "$WARMUP" --duration "$DURATION" --drain 30s \
    --state "$OUT/$name-l.state.json" --json "$OUT/$name-l.json" >&2 || echo "run failed: $name l" >&2
  echo "== $name l-js: the browsers' client joins it" >&2
  js_joiner "$name" ljs 3 "$OUT/$name-l.state.json" || echo "run failed: $name l-js" >&2
  stop_server
  start_server "$name" "$data"
  echo "== $name l-cold: after a restart, the browsers' client joins it (cold, then warm)" >&2
  js_joiner "$name" lcold 2 "$OUT/$name-l.state.json" || echo "run failed: $name l-cold" >&2
  stop_server
}

trap 'stop_server' EXIT
install_references
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt" >&2
for scenario in $SCENARIOS; do
  for name in $SERVERS; do
    case "$scenario" in
      a*) for clients in $CLIENTS; do run_typing "$name" "$scenario" "${scenario#a}" 10 "$clients"; done ;;
      b*) for clients in $CLIENTS; do run_typing "$name" "$scenario" "${scenario#b}" "${scenario#b}" "$clients"; done ;;
      c) run_join "$name" ;;
      w*) for clients in $CLIENTS; do run_typing "$name" "$scenario" 10 10 "$clients" $((${scenario#w} - 10)); done ;;
      l) [ "$name" = ours ] && run_long "$name" ;;
    esac
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2
node "$ROOT/scripts/bench/compare.mjs" "$OUT" | tee "$OUT/comparison.md"
