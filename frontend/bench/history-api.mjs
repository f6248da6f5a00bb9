// Benchmark (not a test): the history work of the page's worker done two ways on the same 50,000-change
// meeting, in Node (the V8 and WebAssembly engine of the page's Chromium):
//
//  - reader: the page's own reader of the saved document (src/history/): save, read, who wrote what,
//    the edit sessions, one timeline step (text then, with what changed against the step before);
//  - official: only `@automerge/automerge` 3.5's API: the changes' actor and time (`getChangesMeta`,
//    or `decodeChange` of every change), the text each change inserted and deleted (every change
//    applied in turn to an empty document, patches after each), who wrote what from that, and a
//    timeline step (`view` at the step's heads, `diff` against the step before); also who wrote
//    each character by `getCursor`, the one official call that names a character's author.
//
// The meeting is written here as bench/history.mjs writes it through the server: three authors
// typing one character per change in rounds of 500 characters each into their own sections, one
// deletion per author and round, timestamps as if over two hours. FILE=x.automerge measures a saved
// meeting instead (e.g. `GET /api/meetings/{id}/export?format=automerge` of the browser benchmark's).
//
//   npx tsc -p tsconfig.unit.json && node bench/history-api.mjs          (CHANGES, STEPS, FILE)

import { readFileSync } from "node:fs"
import { next as A } from "@automerge/automerge"
import { BodyHistory } from "../.unit-build/src/history/bodyHistory.js"
import { ChangeGraph } from "../.unit-build/src/history/changeGraph.js"
import { editSessions } from "../.unit-build/src/history/editSessions.js"
import { readSavedDocument } from "../.unit-build/src/history/savedDocument.js"

const CHANGES = Number(process.env.CHANGES ?? 50_000)
const STEPS = Number(process.env.STEPS ?? 20)
const PER_CHANGE = Number(process.env.PER_CHANGE ?? 2000)
const AUTHORS = [
  { name: "Ada", after: null },
  { name: "Ben", after: "#### Release ####\n" },
  { name: "Cy", after: "#### Testing ####\n" },
]
const ROUND_CHARACTERS = 500
const ROUND_SECONDS = 210

function prose(name, round, length) {
  const words = `${name} notes item ${round}: decided to ship, then review the tests and the docs.`.split(" ")
  let text = ""
  for (let i = 0; text.length < length; i += 1) text += `${words[i % words.length]}${i % 12 === 11 ? "\n" : " "}`
  return text.slice(0, length)
}

function writeMeeting() {
  const start = A.from(
    {
      meta: { subject: "history benchmark" },
      body: "# history benchmark\n\n#### Intro ####\n\n#### Release ####\n\n#### Testing ####\n",
      status: "open",
      people: {},
    },
    { actor: "00".repeat(16), time: 0 },
  )
  const docs = AUTHORS.map((author, i) => {
    const actor = `${i + 1}`.repeat(32)
    return A.change(A.merge(A.init({ actor }), start), (d) => {
      d.people[actor] = author.name
    })
  })
  let written = 4
  let round = 0
  const rounds = Math.ceil((CHANGES - written) / (ROUND_CHARACTERS * AUTHORS.length + AUTHORS.length))
  const meetingStart = Math.floor(Date.now() / 1000) - rounds * ROUND_SECONDS
  while (written < CHANGES) {
    round += 1
    const perAuthor = Math.min(ROUND_CHARACTERS, Math.ceil((CHANGES - written) / AUTHORS.length))
    AUTHORS.forEach((author, i) => {
      let doc = docs[i]
      let at = author.after === null ? doc.body.length : doc.body.indexOf(author.after) + author.after.length
      const typo = `oops${author.name}${round} `
      const time = meetingStart + (round - 1) * ROUND_SECONDS + i * 5
      const typed = typo + prose(author.name, round, perAuthor - typo.length)
      const perChange = (ROUND_SECONDS - 30) / typed.length
      const typoAt = at
      for (let c = 0; c < typed.length; c += 1) {
        doc = A.change(doc, { time: Math.floor(time + c * perChange) }, (d) => A.splice(d, ["body"], at, 0, typed[c]))
        at += 1
      }
      doc = A.change(doc, { time: time + ROUND_SECONDS - 25 }, (d) => A.splice(d, ["body"], typoAt, typo.length))
      docs[i] = doc
    })
    const merged = docs.reduce((all, doc) => A.merge(all, A.clone(doc)), A.clone(docs[0]))
    for (let i = 0; i < docs.length; i += 1) docs[i] = A.merge(docs[i], A.clone(merged))
    written += perAuthor * AUTHORS.length + AUTHORS.length
  }
  return docs[0]
}

const round1 = (value) => Math.round(value * 10) / 10

function time(what, work) {
  const started = performance.now()
  const result = work()
  return { ms: performance.now() - started, result, what }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return { median: round1(sorted[Math.floor(sorted.length / 2)]), max: round1(sorted[sorted.length - 1]) }
}

/** The page's reader: what the worker does for a toggle and for the timeline. */
function reader(doc) {
  const save = time("saveNoCompress (page's main thread)", () => A.getBackend(doc).saveNoCompress())
  const read = time("read the saved document", () => readSavedDocument(save.result))
  const graph = time("change graph (dependency order)", () => new ChangeGraph(read.result))
  const body = new BodyHistory(read.result)
  // The worker keeps a reading only if it gives back the document's text (historyService.ts).
  const check = time("text read back, checked against the document's", () => {
    if (body.textAt(graph.result.fullClock()) !== doc.body) throw new Error("the reader's text is not the document's")
  })
  const authors = time("who wrote what at now", () => body.authorsAt(graph.result.fullClock()))
  const people = doc.people ?? {}
  const sessions = time("edit sessions", () =>
    editSessions(graph.result, (actor) => people[graph.result.actors[actor]] ?? "someone"),
  )
  const points = sessions.result
  const steps = []
  for (let i = 0; i < STEPS; i += 1) {
    const at = 1 + Math.floor((((i * 7919) % 1000) / 1000) * (points.length - 1))
    const started = performance.now()
    body.compare(points[at - 1].clock, points[at].clock)
    steps.push(performance.now() - started)
  }
  if (authors.result.text !== doc.body) throw new Error("the reader's text is not the document's")
  return {
    phases: [save, read, graph, check, authors, sessions].map(({ what, ms }) => ({ what, ms: round1(ms) })),
    toggleMs: round1(save.ms + read.ms + graph.ms + check.ms + authors.ms),
    timelineMs: round1(save.ms + read.ms + graph.ms + check.ms + sessions.ms),
    timelineStepMs: median(steps),
    runs: authors.result.runs.length,
    points: points.length,
    authorOfEach: authors.result.runs.map((run) => `${graph.result.actors[run.actor]}*${run.to - run.from}`).join(" "),
  }
}

/** The same with the official API only. */
function official(doc) {
  // The worker holds its own copy: the page saves, the worker loads.
  const bytes = A.save(doc)
  const load = time("load in the worker (A.load of A.save)", () => A.load(bytes))
  const backend = A.getBackend(load.result)
  doc = load.result
  const meta = time("getChangesMeta([]): every change's actor, seq, time, deps", () => backend.getChangesMeta([]))
  const changes = time("getAllChanges", () => A.getAllChanges(doc))
  const decoded = time("decodeChange of every change (actor, time, ops)", () => changes.result.map(A.decodeChange))

  // The text each change inserted and deleted: apply the changes in turn to an empty document and
  // read the patches after each (`diffIncremental`). One change at a time is what the timeline's
  // spans need; it is timed on the first PER_CHANGE changes only (it is too slow for all of them).
  const perChange = time(`the first ${PER_CHANGE} changes applied one by one, patches after each`, () =>
    replay(changes.result.slice(0, PER_CHANGE), decoded.result, (index) => index),
  )
  // Who wrote what needs less: the changes grouped into runs of one actor (in the stored order)
  // and one patch set per run, attributed to the run's actor.
  const byActor = time("every change applied in runs of one actor, patches after each run", () => {
    const order = actorRunOrder(decoded.result)
    return replay(
      order.map((i) => changes.result[i]),
      order.map((i) => decoded.result[i]),
      (index) => decoded.result[order[index]].actor,
    )
  })
  const cursors = time("getCursor for every character (who inserted it)", () => {
    const obj = A.getObjectId(doc, "body")
    const authors = []
    for (let i = 0; i < doc.body.length; i += 1) authors.push(backend.getCursor(obj, i).split("@")[1])
    return authors.length
  })

  // A timeline step: the text at a point and what changed against the point before.
  const hashes = A.topoHistoryTraversal(doc)
  const steps = []
  for (let i = 0; i < STEPS; i += 1) {
    const at = 1 + Math.floor((((i * 7919) % 1000) / 1000) * (hashes.length - 200))
    const before = [hashes[at]]
    const after = [hashes[at + 150]]
    const started = performance.now()
    A.view(doc, after).body.length
    A.diff(doc, before, after)
    steps.push(performance.now() - started)
  }
  return {
    phases: [load, meta, changes, decoded, perChange, byActor, cursors].map(({ what, ms }) => ({
      what,
      ms: round1(ms),
    })),
    perChangeMs: round1(perChange.ms / PER_CHANGE),
    allChangesOneByOneMs: round1((perChange.ms / PER_CHANGE) * changes.result.length),
    actorRuns: byActor.result.batches,
    // Who wrote what from each change's spans, and the quickest official way (cursors) besides.
    toggleMs: round1(load.ms + changes.ms + decoded.ms + byActor.ms),
    toggleByCursorsMs: round1(load.ms + cursors.ms),
    timelineMs: round1(load.ms + meta.ms),
    timelineStepMs: median(steps),
    runs: byActor.result.runs.length,
    authorOfEach: byActor.result.runs.map(([length, actor]) => `${actor}*${length}`).join(" "),
  }
}

/**
 * Applies `changes` to an empty document in batches of consecutive changes with the same `batchKey`
 * and keeps who wrote what as runs of [length, actor] from the patches after each batch.
 */
function replay(changes, decoded, batchKey) {
  const empty = A.getBackend(A.init())
  const runs = []
  let batches = 0
  for (let start = 0; start < changes.length; ) {
    let end = start + 1
    while (end < changes.length && batchKey(end) === batchKey(start)) end += 1
    empty.applyChanges(changes.slice(start, end))
    batches += 1
    const actor = decoded[start].actor
    for (const patch of empty.diffIncremental()) {
      if (patch.path[0] !== "body") continue
      if (patch.path.length === 1) runs.length = 0
      else if (patch.action === "splice") insertRun(runs, patch.path[1], patch.value.length, actor)
      else if (patch.action === "del") deleteRange(runs, patch.path[1], patch.length ?? 1)
    }
    start = end
  }
  return { runs, batches }
}

/** A dependency order that stays with one actor as long as it can (fewest actor switches). */
function actorRunOrder(decoded) {
  const byHash = new Map(decoded.map((change, index) => [change.hash, index]))
  const waiting = decoded.map((change) => change.deps.length)
  const dependents = decoded.map(() => [])
  decoded.forEach((change, index) => {
    for (const dep of change.deps) dependents[byHash.get(dep)].push(index)
  })
  const ready = new Map() // actor -> ready change indexes
  const push = (index) => {
    const actor = decoded[index].actor
    if (!ready.has(actor)) ready.set(actor, [])
    ready.get(actor).push(index)
  }
  waiting.forEach((count, index) => {
    if (count === 0) push(index)
  })
  const order = []
  let actor = null
  while (order.length < decoded.length) {
    if (!ready.get(actor)?.length) actor = [...ready.keys()].find((a) => ready.get(a).length > 0)
    const index = ready.get(actor).shift()
    order.push(index)
    for (const dependent of dependents[index]) if (--waiting[dependent] === 0) push(dependent)
  }
  return order
}

function insertRun(runs, at, length, actor) {
  let offset = 0
  let i = 0
  while (i < runs.length && offset + runs[i][0] < at) {
    offset += runs[i][0]
    i += 1
  }
  if (i < runs.length && offset < at) {
    const [runLength, runActor] = runs[i]
    if (runActor === actor) {
      runs[i][0] += length
      return
    }
    runs.splice(i, 1, [at - offset, runActor], [length, actor], [runLength - (at - offset), runActor])
    return
  }
  if (i > 0 && runs[i - 1][1] === actor && offset === at) runs[i - 1][0] += length
  else runs.splice(i, 0, [length, actor])
}

function deleteRange(runs, at, length) {
  let offset = 0
  for (let i = 0; i < runs.length && length > 0; ) {
    const run = runs[i]
    if (offset + run[0] <= at) {
      offset += run[0]
      i += 1
      continue
    }
    const cut = Math.min(length, offset + run[0] - at)
    run[0] -= cut
    length -= cut
    if (run[0] === 0) runs.splice(i, 1)
    else {
      offset += run[0]
      i += 1
    }
  }
}

const built = process.env.FILE
  ? time("load", () => A.load(readFileSync(process.env.FILE)))
  : time("write", () => writeMeeting())
const doc = built.result
// Each once before measuring: the first call of anything pays for compiling it.
reader(doc)
const ours = reader(doc)
const theirs = official(doc)
// Both must say the same: who wrote each character, run by run (adjacent runs of one actor joined).
const joined = (runs) =>
  runs
    .split(" ")
    .map((run) => run.split("*"))
    .reduce((all, [actor, length]) => {
      const last = all[all.length - 1]
      if (last && last[0] === actor) last[1] += Number(length)
      else if (Number(length) > 0) all.push([actor, Number(length)])
      return all
    }, [])
    .join(" ")
const agree = joined(ours.authorOfEach) === joined(theirs.authorOfEach)
delete ours.authorOfEach
delete theirs.authorOfEach
console.log(
  JSON.stringify(
    {
      meeting: {
        changes: A.getAllChanges(doc).length,
        characters: doc.body.length,
        source: process.env.FILE ?? `written here in ${round1(built.ms / 1000)} s`,
      },
      reader: ours,
      official: theirs,
      sameAuthorsBothWays: agree,
    },
    null,
    2,
  ),
)
