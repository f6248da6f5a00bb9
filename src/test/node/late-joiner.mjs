// Scenarios (c) and (d) of scripts/bench-references.sh with the client browsers run: each join is a
// fresh, unmodified automerge-repo 2.5.6 Repo (Automerge 3.5, WebSocketClientAdapter, no storage),
// timed from its creation until the document it found holds the expected heads. The Java load tool
// times the same joins with the Java binding (automerge 0.5.7), whose load of a 50,000-change
// document alone takes about 210 ms on the bench machine; Automerge 3.5 loads it in about 120 ms.
//
//   node late-joiner.mjs --state STATE_JSON --url WS_URL [--joins 5] [--json OUT] [--label ours]
//                        [--scenario late-joiner-js]
//
// STATE_JSON is the file the load tool's late-joiner scenario writes (--state): documentId, token,
// protocolOnly (a reference server: no token) and heads (sorted hex, comma separated). Before the
// first join, Automerge's WebAssembly is warmed on a small document (a browser tab has loaded its
// page before it syncs), so the first join measures the server, not the engine's compilation.
// Prints one line per join on stderr and the result as JSON on stdout (and into --json).
import * as A from "@automerge/automerge"
import { Repo, stringifyAutomergeUrl } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import fs from "node:fs"
import { log, parseArgs } from "./lines.mjs"

const options = parseArgs(process.argv.slice(2), {
  state: "value",
  url: "value",
  joins: "value",
  json: "value",
  label: "value",
  scenario: "value",
})
if (!options.state || !options.url) throw new Error("--state and --url are required")
const state = JSON.parse(fs.readFileSync(options.state, "utf8"))
const joins = Number(options.joins ?? 5)
const expected = state.heads.split(",").filter(Boolean).sort()
const syncUrl = state.protocolOnly || !state.token
  ? options.url
  : `${options.url}${options.url.includes("?") ? "&" : "?"}token=${encodeURIComponent(state.token)}`
const documentUrl = stringifyAutomergeUrl({ documentId: state.documentId })
const JOIN_TIMEOUT_MS = 60_000

const versionOf = name =>
  JSON.parse(fs.readFileSync(new URL(`./node_modules/@automerge/${name}/package.json`, import.meta.url), "utf8")).version

function warmUp() {
  let doc = A.from({ body: "" })
  for (let i = 0; i < 2_000; i++) {
    doc = A.change(doc, d => A.splice(d, ["body"], i % (d.body.length + 1), 0, "x"))
  }
  for (let i = 0; i < 3; i++) A.load(A.save(doc))
}

const holdsExpected = handle => {
  const heads = A.getHeads(handle.doc()).slice().sort()
  return heads.length === expected.length && heads.every((head, i) => head === expected[i])
}

/** One join: a new Repo finds the document; resolves with the milliseconds until it holds the heads. */
async function join() {
  const started = performance.now()
  const adapter = new WebSocketClientAdapter(syncUrl, 1_000)
  const repo = new Repo({ network: [adapter] })
  try {
    const handle = await repo.find(documentUrl, { signal: AbortSignal.timeout(JOIN_TIMEOUT_MS) })
    if (!holdsExpected(handle)) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the expected heads never arrived")), JOIN_TIMEOUT_MS)
        handle.on("change", () => {
          if (holdsExpected(handle)) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
    }
    return performance.now() - started
  } finally {
    await repo.shutdown()
  }
}

warmUp()
const millis = []
let errors = 0
for (let i = 0; i < joins; i++) {
  try {
    const ms = await join()
    millis.push(ms)
    log(`join ${i + 1}: ${ms.toFixed(1)} ms`)
  } catch (error) {
    errors++
    log(`join ${i + 1} failed: ${error?.message ?? error}`)
  }
}
const round = ms => Math.round(ms * 100) / 100
const sorted = millis.slice().sort((a, b) => a - b)
const result = {
  scenario: options.scenario ?? "late-joiner-js",
  label: options.label ?? "ours",
  server: options.url,
  client: `automerge-repo ${versionOf("automerge-repo")}, automerge ${versionOf("automerge")}, Node ${process.versions.node}`,
  changes: state.changes,
  joinMs: millis.map(round),
  firstJoinMs: millis.length ? round(millis[0]) : null,
  medianJoinMs: sorted.length ? round(sorted[Math.floor(sorted.length / 2)]) : null,
  errors,
}
const text = JSON.stringify(result, null, 2)
if (options.json) fs.writeFileSync(options.json, text + "\n")
process.stdout.write(text + "\n")
process.exit(errors > 0 ? 1 : 0)
