// One worker process of the Java load tool's JavaScript modes (docs/performance.md): it hosts some
// of a run's clients (typists and watchers, of any meetings), types on their behalf, and records
// when each client first held each keystroke. The tool starts several, so that no single Node
// process (one core at most) limits what it measures, and reads each one's CPU from /proc.
//
//   node worker.mjs --mode raw|repo
//
// Commands (stdin, one JSON object per line; each with an id gets one reply {id, ok, ...}):
//   {"cmd":"seed","url":U,"documentId":D,"body":TEXT}   create a document over the protocol (servers
//        without a meetings API) and wait until the server holds it
//   {"cmd":"connect","clients":[{"client":N,"meeting":M,"authors":A,"author":I|-1,"url":U,
//        "documentId":D,"seed":S}]}   connect them (members of one meeting); replies once each holds
//        the document's body, with that body: {"body":TEXT}
//   {"cmd":"type","rate":R}     typists start typing R keystrokes/s (each after a random phase)
//   {"cmd":"measure","on":B}    keystrokes made from now on are (not) measured
//   {"cmd":"stop"}              typists stop typing
//   {"cmd":"known"}             -> {"clients":[{"client","meeting","known":[...]}]} keystrokes held
//   {"cmd":"report"}            -> {"latenciesMs":[...], "watcherLatenciesMs":[...], "wire":{...}}
//        (arrival latencies at typists, and at watchers)
//   {"cmd":"close"}             closes every client
//   {"cmd":"ledger",...}        (no id) a keystroke typed in another worker, relayed by the tool
// Events (stdout): {"event":"typed","meeting","author","seq","hash","clock","sentAt"} per keystroke
// (sentAt -1 when not measured), which the tool relays to the other workers of that meeting.
import { Arrivals, MeetingLedger } from "./ledger.mjs"
import { emit, log, nowNanos, serveCommands } from "./lines.mjs"
import { RawClient } from "./raw-client.mjs"
import { RepoClient } from "./repo-client.mjs"
import { WireCounters } from "./wire.mjs"

const mode = process.argv[process.argv.indexOf("--mode") + 1]
if (mode !== "raw" && mode !== "repo") throw new Error("usage: node worker.mjs --mode raw|repo")

const SEED_TIMEOUT_MS = 30_000
const wire = new WireCounters()
const ledgers = new Map()
const members = []
let measuring = false

/** Small, fast, seeded: the same run types the same keystrokes. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function ledgerOf(meeting, authors) {
  let ledger = ledgers.get(meeting)
  if (!ledger) {
    ledger = new MeetingLedger(authors)
    ledgers.set(meeting, ledger)
  }
  return ledger
}

async function connectOne(spec) {
  const ledger = ledgerOf(spec.meeting, spec.authors)
  const arrivals = new Arrivals(ledger, spec.author, nowNanos)
  const next = random(spec.seed)
  const peerId = `load-js-${spec.client}-${Math.floor(next() * 2 ** 32).toString(16)}`
  const options = { documentId: spec.documentId, peerId, onHeads: heads => arrivals.seen(heads) }
  const client = mode === "raw" ? new RawClient(options) : new RepoClient(options)
  await client.open(spec.url, wire)
  members.push({ number: spec.client, meeting: spec.meeting, author: spec.author, client, arrivals, next, seq: 0 })
  return client
}

function keystroke(member) {
  const sentAt = nowNanos()
  const measured = measuring
  const position = Math.floor(member.next() * (member.client.bodyLength() + 1))
  // Each typist of a meeting types its own letter (a, b, c, ...): the stored minutes show who typed what.
  const character = String.fromCharCode(97 + (member.author % 26))
  const hash = member.client.type(position, character)
  const seq = ++member.seq
  member.arrivals.typed(seq)
  const entry = {
    meeting: member.meeting,
    author: member.author,
    seq,
    hash,
    clock: Array.from(member.arrivals.known),
    sentAt: measured ? sentAt : -1,
  }
  ledgers.get(member.meeting).register(entry)
  emit({ event: "typed", ...entry })
}

/**
 * Each typist types at a fixed rate from a random phase, like the Java tool's periodic timers: a
 * keystroke due while the process was busy is typed as soon as it can be (setInterval would drop it,
 * and a busy tool would quietly type less than it was asked to).
 */
function startTyping(rate) {
  const period = 1000 / rate
  for (const member of members) {
    member.arrivals.setBaseline(member.client.heads())
    if (member.author < 0) continue
    let due = performance.now() + 1 + member.next() * period
    const tick = () => {
      keystroke(member)
      due += period
      member.timer = setTimeout(tick, Math.max(0, due - performance.now()))
    }
    member.timer = setTimeout(tick, due - performance.now())
  }
}

const commands = {
  async seed({ url, documentId, body }) {
    const creator = new RawClient({ documentId, peerId: `load-js-seed-${process.pid}` })
    await creator.open(url, wire, body)
    const deadline = Date.now() + SEED_TIMEOUT_MS
    while (!creator.acknowledged()) {
      if (Date.now() > deadline) throw new Error(`the server did not acknowledge document ${documentId}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    creator.close()
  },
  async connect({ clients }) {
    const connected = await Promise.all(clients.map(connectOne))
    return { body: connected[0].body() }
  },
  type({ rate }) {
    startTyping(rate)
  },
  measure({ on }) {
    measuring = on
  },
  stop() {
    for (const member of members) clearTimeout(member.timer)
  },
  known() {
    return {
      clients: members.map(member => {
        member.arrivals.resolve(true)
        return { client: member.number, meeting: member.meeting, known: Array.from(member.arrivals.known) }
      }),
    }
  },
  report() {
    const latenciesMs = []
    const watcherLatenciesMs = []
    for (const member of members) {
      member.arrivals.resolve(true)
      const into = member.author < 0 ? watcherLatenciesMs : latenciesMs
      for (const latency of member.arrivals.latencies) into.push(Math.round(latency * 1000) / 1000)
    }
    return { latenciesMs, watcherLatenciesMs, wire: wire.toJson() }
  },
  async close() {
    for (const member of members) clearTimeout(member.timer)
    await Promise.all(members.map(member => member.client.close()))
  },
  ledger(entry) {
    ledgerOf(entry.meeting, entry.clock.length).register(entry)
  },
}

serveCommands(
  command => {
    const run = commands[command.cmd]
    if (!run) throw new Error(`unknown command ${command.cmd}`)
    return run(command)
  },
  () => process.exit(0),
)
process.on("uncaughtException", error => log("uncaught:", error?.stack ?? error))
