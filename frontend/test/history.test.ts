import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { next as A } from "@automerge/automerge"
import { BodyHistory } from "../src/history/bodyHistory.js"
import { ChangeGraph } from "../src/history/changeGraph.js"
import { editSessions } from "../src/history/editSessions.js"
import { HistoryClient, HistoryError, type WorkerLike } from "../src/history/historyClient.js"
import { HistoryService } from "../src/history/historyService.js"
import type { HistoryReply, RequestEnvelope } from "../src/history/protocol.js"
import { readSavedDocument, type SavedDocument } from "../src/history/savedDocument.js"
import { changesWritingText } from "../src/history/textChanges.js"

type Minutes = { body: string; people?: Record<string, string>; meta?: { subject: string } }

const ACTORS = ["aa01", "bb02", "cc03"].map((a) => a.padEnd(32, "0"))

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 2 ** 32
  }
}

/**
 * Three people editing one document concurrently, merging now and then: inserts (with emoji and
 * line breaks), deletions, overlapping deletions of the same text, marks, and edits outside the
 * body. Returns the merged document and every change hash.
 */
function concurrentDocument(seed: number, steps: number): A.Doc<Minutes> {
  const next = random(seed)
  const base = A.from<Minutes>(
    { body: "Agenda\n", people: {}, meta: { subject: "s" } },
    { actor: "ff".padEnd(32, "0") },
  )
  const docs = ACTORS.map((actor) => A.merge(A.init<Minutes>({ actor }), base))
  const pieces = ["a", "bc", "🌍", "\n", "é", "xyz", "- [ ] Ada: ", "👩‍💻"]
  for (let step = 0; step < steps; step += 1) {
    const who = Math.floor(next() * 3)
    let doc = docs[who] as A.Doc<Minutes>
    const length = doc.body.length
    const roll = next()
    if (roll < 0.6 || length < 4) {
      const at = Math.floor(next() * (length + 1))
      const piece = pieces[Math.floor(next() * pieces.length)] as string
      doc = A.change(doc, (d) => A.splice(d, ["body"], safeIndex(d.body, at), 0, piece))
    } else if (roll < 0.85) {
      const at = safeIndex(doc.body, Math.floor(next() * (length - 2)))
      const count = safeIndex(doc.body, at + 1 + Math.floor(next() * 3)) - at
      doc = A.change(doc, (d) => A.splice(d, ["body"], at, count))
    } else if (roll < 0.92) {
      const at = Math.floor(next() * (length - 1))
      doc = A.change(doc, (d) => A.mark(d, ["body"], { start: at, end: at + 1, expand: "after" }, "bold", true))
    } else {
      doc = A.change(doc, (d) => {
        if (d.people) d.people[ACTORS[who] as string] = `Person ${who}`
      })
    }
    docs[who] = doc
    if (next() < 0.3) {
      const a = Math.floor(next() * 3)
      const b = (a + 1 + Math.floor(next() * 2)) % 3
      docs[a] = A.merge(docs[a] as A.Doc<Minutes>, docs[b] as A.Doc<Minutes>)
    }
  }
  return A.merge(A.merge(A.clone(docs[0] as A.Doc<Minutes>), docs[1] as A.Doc<Minutes>), docs[2] as A.Doc<Minutes>)
}

/** Never split a surrogate pair: Automerge refuses such indexes. */
function safeIndex(text: string, index: number): number {
  const code = text.charCodeAt(index - 1)
  return code >= 0xd800 && code <= 0xdbff ? index + 1 : Math.min(index, text.length)
}

function history(doc: A.Doc<Minutes>) {
  const saved = readSavedDocument(A.getBackend(doc).saveNoCompress())
  return { graph: new ChangeGraph(saved), body: new BodyHistory(saved), writing: changesWritingText(saved) }
}

function indexOfHash(doc: A.Doc<Minutes>, graph: ChangeGraph, hash: string): number {
  const meta = A.getBackend(doc).getChangeMetaByHash(hash)
  assert.ok(meta, `the document knows change ${hash}`)
  const index = graph.indexOf(meta.actor, meta.seq)
  assert.ok(index !== undefined, `the saved document holds ${meta.actor}:${meta.seq}`)
  return index
}

describe("reading history from a saved document", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`gives the text the library shows at any heads (seed ${seed})`, () => {
      const doc = concurrentDocument(seed, 400)
      const { graph, body } = history(doc)
      const hashes = A.topoHistoryTraversal(doc)
      assert.equal(graph.changes.length, hashes.length, "every change is read")
      const pick = random(seed * 7)
      for (let trial = 0; trial < 25; trial += 1) {
        const heads = [
          hashes[Math.floor(pick() * hashes.length)] as string,
          hashes[Math.floor(pick() * hashes.length)] as string,
        ]
        const clock = graph.clockOf(heads.map((hash) => indexOfHash(doc, graph, hash)))
        assert.equal(body.textAt(clock), A.view(doc, heads).body, `text at ${heads.join(",")}`)
      }
      assert.equal(body.textAt(graph.fullClock()), doc.body)
    })

    it(`names the actor that inserted each character, as Automerge's cursors do (seed ${seed})`, () => {
      const doc = concurrentDocument(seed, 300)
      const { graph, body } = history(doc)
      const { text, runs } = body.authorsAt(graph.fullClock(), true)
      assert.equal(text, doc.body)
      assert.equal(runs[0]?.from, 0)
      assert.equal(runs[runs.length - 1]?.to, text.length)
      for (const run of runs) {
        for (let at = run.from; at < run.to; at += 1) {
          const cursor = A.getCursor(doc, ["body"], at)
          assert.equal(cursor.split("@")[1], graph.actors[run.actor], `author of character ${at}`)
        }
      }
    })

    it(`splits a later text into kept, added and removed text against an earlier one (seed ${seed})`, () => {
      const doc = concurrentDocument(seed, 300)
      const { graph, body } = history(doc)
      const hashes = A.topoHistoryTraversal(doc)
      const earlier = hashes[Math.floor(hashes.length / 3)] as string
      const before = graph.clockOf([indexOfHash(doc, graph, earlier)])
      const after = graph.fullClock()

      const segments = body.compare(before, after)

      const later = segments.filter((s) => s.kind !== "removed").map((s) => s.text)
      const former = segments.filter((s) => s.kind !== "added").map((s) => s.text)
      assert.equal(later.join(""), doc.body)
      assert.equal(former.join(""), A.view(doc, [earlier]).body)
      assert.ok(segments.some((s) => s.kind === "added"))
      assert.ok(segments.some((s) => s.kind === "removed"))
      for (const segment of segments) {
        if (segment.kind !== "kept") assert.ok(segment.actor >= 0, "every change has an author")
      }
    })
  }

  it("orders changes so that each comes after its dependencies, and finds changes by hash", () => {
    const doc = concurrentDocument(9, 200)
    const { graph } = history(doc)
    const position = new Map(graph.order.map((index, at) => [index, at]))
    for (const index of graph.order) {
      for (const dep of graph.changes[index]?.deps ?? [])
        assert.ok((position.get(dep) ?? -1) < (position.get(index) ?? -1))
    }
    const hashes = A.topoHistoryTraversal(doc)
    const middle = hashes[100] as string
    const clock = graph.clockOf([indexOfHash(doc, graph, middle)])
    const missing = new Set(A.getChangesMetaSince(doc, [middle]).map((meta) => `${meta.actor}:${meta.seq}`))
    graph.changes.forEach((change, index) => {
      const key = `${graph.actors[change.actor]}:${change.seq}`
      assert.equal(graph.includes(clock, index), !missing.has(key), `change ${key} in the ancestry of ${middle}`)
    })
  })

  it("a body replaced by a new text counts as removed and added by who replaced it", () => {
    let doc = A.from<Minutes>({ body: "old text" }, { actor: ACTORS[0] })
    const first = A.getHeads(doc)
    doc = A.change(A.clone(doc, { actor: ACTORS[1] }), (d) => {
      d.body = "new text"
    })
    const { graph, body } = history(doc)
    const segments = body.compare(graph.clockOf([0]), graph.fullClock())
    assert.equal(A.view(doc, first).body, "old text")
    assert.deepEqual(
      segments.map((s) => [s.kind, s.text, "actor" in s ? graph.actors[s.actor] : null]),
      [
        ["removed", "old text", ACTORS[1]],
        ["added", "new text", ACTORS[1]],
      ],
    )
  })

  it("a line moved in one change keeps its author, also moved again, and deleted and written again where it was", () => {
    const [ada, ben, cy] = ACTORS as [string, string, string]
    const base = A.from<Minutes>({ body: "" }, { actor: "ff".padEnd(32, "0") })
    let doc = A.change(A.merge(A.init<Minutes>({ actor: ada }), base), (d) =>
      A.splice(d, ["body"], 0, 0, "Ada's line\n"),
    )
    doc = A.change(A.merge(A.init<Minutes>({ actor: ben }), doc), (d) =>
      A.splice(d, ["body"], d.body.length, 0, "Ben's line\nBen's end\n"),
    )
    // Ada moves Ben's line above hers (Alt+↑): out and in again, one change.
    doc = A.change(A.merge(A.init<Minutes>({ actor: ada }), doc), (d) => {
      A.splice(d, ["body"], 11, 11)
      A.splice(d, ["body"], 0, 0, "Ben's line\n")
    })
    // Cy moves it back down past Ada's (Alt+↓), again one change.
    doc = A.change(A.merge(A.init<Minutes>({ actor: cy }), doc), (d) => {
      A.splice(d, ["body"], 0, 11)
      A.splice(d, ["body"], 11, 0, "Ben's line\n")
    })
    // Cy deletes "end" of Ben's last line and types it again, then more, in changes of its own:
    // the same word in the same place is still Ben's, what Cy added is Cy's.
    doc = A.change(doc, (d) => A.splice(d, ["body"], 28, 3))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 28, 0, "end"))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 31, 0, "ing"))
    const { graph, body } = history(doc)

    const { text, runs } = body.authorsAt(graph.fullClock())

    assert.equal(text, "Ada's line\nBen's line\nBen's ending\n")
    assert.deepEqual(
      runs.map((run) => [text.slice(run.from, run.to), graph.actors[run.actor]]),
      [
        ["Ada's line\n", ada],
        ["Ben's line\nBen's end", ben],
        ["ing", cy],
        ["\n", ben],
      ],
    )
  })

  it("words an Undo brings back keep their author, also after other words were typed and undone there; text written first and deleted later is not taken", () => {
    const [ada, ben] = ACTORS as [string, string]
    const base = A.from<Minutes>({ body: "" }, { actor: "ff".padEnd(32, "0") })
    let doc = A.change(A.merge(A.init<Minutes>({ actor: ben }), base), (d) =>
      A.splice(d, ["body"], 0, 0, "Ben: ship the release on Friday.\n"),
    )
    // Ada deletes Ben's "the release ", types "it " there, then undoes both: out with "it ",
    // back with Ben's words, and types on after them.
    doc = A.change(A.merge(A.init<Minutes>({ actor: ada }), doc), (d) => A.splice(d, ["body"], 10, 12))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 10, 0, "it "))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 10, 3))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 10, 0, "the release "))
    doc = A.change(doc, (d) => A.splice(d, ["body"], 22, 0, "early "))
    // Ada writes "ok" (after Ben's change elsewhere, so as a run of its own); Ben then writes "ok"
    // right after hers and deletes it: hers stays hers.
    doc = A.change(doc, (d) => A.splice(d, ["body"], d.body.length, 0, "Ada: "))
    let bens = A.change(A.merge(A.init<Minutes>({ actor: ben }), doc), (d) => {
      d.people = { [ben]: "Ben" }
    })
    doc = A.change(A.merge(doc, bens), (d) => A.splice(d, ["body"], d.body.length, 0, "ok"))
    bens = A.change(A.merge(bens, doc), (d) => A.splice(d, ["body"], d.body.length, 0, "ok"))
    doc = A.change(bens, (d) => A.splice(d, ["body"], d.body.length - 2, 2))
    const { graph, body } = history(doc)

    const { text, runs } = body.authorsAt(graph.fullClock())

    assert.equal(text, "Ben: ship the release early on Friday.\nAda: ok")
    assert.deepEqual(
      runs.map((run) => [text.slice(run.from, run.to), graph.actors[run.actor]]),
      [
        ["Ben: ship the release ", ben],
        ["early ", ada],
        ["on Friday.\n", ben],
        ["Ada: ok", ada],
      ],
    )
  })

  it("a line an Undo brought back stays its author's when they type on in it or press Enter in it", () => {
    const [ben, cy] = ACTORS as [string, string]
    const base = A.from<Minutes>({ body: "Intro\n" }, { actor: "ff".padEnd(32, "0") })
    const line = "Ben one: ship the release on Friday"
    let doc = A.change(A.merge(A.init<Minutes>({ actor: ben }), base), (d) => A.splice(d, ["body"], 6, 0, `${line}\n`))
    // Cy deletes the line and brings it back (Ctrl+Z writes it again where it was).
    let cys = A.change(A.merge(A.init<Minutes>({ actor: cy }), doc), (d) => A.splice(d, ["body"], 6, line.length))
    cys = A.change(cys, (d) => A.splice(d, ["body"], 6, 0, line))
    // Ben presses Enter after "on" and types at the end of the line.
    doc = A.change(A.merge(doc, cys), (d) => A.splice(d, ["body"], 6 + line.indexOf(" Friday"), 0, "\n"))
    doc = A.change(doc, (d) => A.splice(d, ["body"], d.body.indexOf("Friday") + 6, 0, " (confirmed)"))
    const { graph, body } = history(doc)

    const { text, runs } = body.authorsAt(graph.fullClock())

    assert.equal(text, "Intro\nBen one: ship the release on\n Friday (confirmed)\n")
    assert.deepEqual(
      runs.map((run) => [text.slice(run.from, run.to), graph.actors[run.actor]]),
      [
        ["Intro\n", "ff".padEnd(32, "0")],
        ["Ben one: ship the release on\n Friday (confirmed)\n", ben],
      ],
    )
  })

  it("a word replaced reads as a correction: what was removed, then what was added", () => {
    let doc = A.from<Minutes>({ body: "" }, { actor: ACTORS[0] })
    doc = A.change(doc, (d) => A.splice(d, ["body"], 0, 0, "Budget: 50k."))
    const first = A.getHeads(doc)
    doc = A.change(A.clone(doc, { actor: ACTORS[1] }), (d) => A.splice(d, ["body"], 8, 3, "55k"))
    const { graph, body } = history(doc)
    const segments = body.compare(graph.clockOf([indexOfHash(doc, graph, first[0] as string)]), graph.fullClock())
    assert.deepEqual(
      segments.map((s) => [s.kind, s.text, s.at]),
      [
        ["kept", "Budget: ", 0],
        ["removed", "50k", 8],
        ["added", "55k", 8],
        ["kept", ".", 11],
      ],
    )
  })

  it("refuses compressed documents and change chunks with a clear error", () => {
    let doc = A.from<Minutes>({ body: "x".repeat(5000) })
    doc = A.change(doc, (d) => A.splice(d, ["body"], 0, 0, "y".repeat(3000)))
    assert.throws(() => readSavedDocument(A.save(doc)), /saveNoCompress/)
    assert.throws(() => readSavedDocument(A.getLastLocalChange(doc) as Uint8Array), /change chunk/)
    assert.throws(() => readSavedDocument(new Uint8Array([1, 2, 3, 4])), /not an Automerge document/)
  })
})

describe("the order of changes and edit sessions", () => {
  it("puts dependencies first and otherwise follows the writers' clocks, whatever order they are stored in", () => {
    const stored: SavedDocument = {
      actors: ["aa", "bb"],
      bodies: [],
      texts: new Map(),
      changes: [
        { actor: 1, seq: 2, maxOp: 9, time: 50, deps: [2] },
        { actor: 0, seq: 1, maxOp: 1, time: 100, deps: [] },
        { actor: 1, seq: 1, maxOp: 5, time: 300, deps: [1] },
        { actor: 0, seq: 2, maxOp: 6, time: 200, deps: [1] },
      ],
    }
    const graph = new ChangeGraph(stored)
    // 3 (time 200) before 2 (time 300); 0 has time 50 but depends on 2.
    assert.deepEqual(graph.order, [1, 3, 2, 0])
  })

  it("orders changes written in the same second alike on every page, whatever order each stored them in", () => {
    // Two copies of one history: the same changes, stored in another order and with the actor
    // table the other way round, as two browsers that merged in different orders may hold them.
    const ada = { actor: "aa", seq: 1 }
    const ben = { actor: "bb", seq: 1 }
    const benTwo = { actor: "bb", seq: 2 }
    const copy = (actors: string[], rows: (typeof ada)[]): SavedDocument => ({
      actors,
      bodies: [],
      texts: new Map(),
      changes: rows.map((row) => ({
        actor: actors.indexOf(row.actor),
        seq: row.seq,
        maxOp: row.seq,
        time: 100,
        deps: row === benTwo ? [rows.indexOf(ben)] : [],
      })),
    })
    const written = (stored: SavedDocument) =>
      new ChangeGraph(stored).order.map((index) => {
        const change = stored.changes[index] as SavedDocument["changes"][number]
        return `${stored.actors[change.actor]}:${change.seq}`
      })
    const first = written(copy(["aa", "bb"], [ada, ben, benTwo]))
    const second = written(copy(["bb", "aa"], [ben, benTwo, ada]))
    assert.deepEqual(first, ["aa:1", "bb:1", "bb:2"])
    assert.deepEqual(second, first)
  })

  it("groups changes per person per minute, each point a real state of the document", () => {
    const times = { ada: 60 * 1000, ben: 60 * 1000 + 20 }
    let ada = A.change(A.init<Minutes>({ actor: ACTORS[0] }), { time: 1 }, (d) => {
      d.body = ""
    })
    let ben = A.merge(A.init<Minutes>({ actor: ACTORS[1] }), ada)
    ada = A.change(ada, { time: times.ada }, (d) => A.splice(d, ["body"], 0, 0, "Ada one. "))
    ada = A.change(ada, { time: times.ada + 5 }, (d) => A.splice(d, ["body"], 9, 0, "Ada two. "))
    ben = A.merge(ben, ada)
    ben = A.change(ben, { time: times.ben }, (d) => A.splice(d, ["body"], d.body.length, 0, "Ben. "))
    ada = A.merge(ada, ben)
    ada = A.change(ada, { time: times.ada + 70 }, (d) => A.splice(d, ["body"], 0, 0, "Later: "))
    const { graph, body } = history(ada)
    const names: Record<string, string> = { [ACTORS[0] as string]: "Ada", [ACTORS[1] as string]: "Ben" }

    const points = editSessions(graph, (actor) => names[graph.actors[actor] as string] ?? "template")

    assert.deepEqual(
      points.map((p) => [p.person, p.changes, body.textAt(p.clock)]),
      [
        ["Ada", 1, ""],
        ["Ada", 2, "Ada one. Ada two. "],
        ["Ben", 1, "Ada one. Ada two. Ben. "],
        ["Ada", 1, "Later: Ada one. Ada two. Ben. "],
      ],
    )
    // Steps only add: together they hold every change once, and each names its own person's actor.
    assert.equal(
      points.reduce((sum, p) => sum + p.changes, 0),
      graph.changes.length,
    )
    assert.deepEqual(
      points.map((p) => names[graph.actors[p.actor] as string]),
      ["Ada", "Ada", "Ben", "Ada"],
    )
  })

  it("gives no step of its own to a session that did not write to the text, except the last one", () => {
    let ada = A.change(A.init<Minutes>({ actor: ACTORS[0] }), { time: 60 }, (d) => {
      d.body = "Agenda\n"
    })
    let ben = A.merge(A.init<Minutes>({ actor: ACTORS[1] }), ada)
    // Ben's page opens two minutes later: it writes his name, nothing else.
    ben = A.change(ben, { time: 180 }, (d) => {
      d.people = { [ACTORS[1] as string]: "Ben" }
    })
    ada = A.merge(ada, ben)
    ada = A.change(ada, { time: 300 }, (d) => A.splice(d, ["body"], 7, 0, "Budget.\n"))
    ada = A.change(ada, { time: 305 }, (d) => A.splice(d, ["body"], 7, 8, ""))
    ben = A.merge(ben, ada)
    ben = A.change(ben, { time: 420 }, (d) => {
      d.meta = { subject: "Weekly" }
    })
    const { graph, body, writing } = history(A.merge(ada, ben))
    const names: Record<string, string> = { [ACTORS[0] as string]: "Ada", [ACTORS[1] as string]: "Ben" }
    const points = editSessions(
      graph,
      (actor) => names[graph.actors[actor] as string] ?? "?",
      (c) => writing.has(c),
    )

    assert.deepEqual(
      points.map((p) => [p.person, p.changes, body.textAt(p.clock)]),
      [
        ["Ada", 1, "Agenda\n"],
        ["Ada", 3, "Agenda\n"],
        ["Ben", 1, "Agenda\n"],
      ],
      "Ben's name entry goes with Ada's next step (her added and removed line); his last edit, the subject, is a step",
    )
    assert.deepEqual(
      points[1]?.actors.map((actor) => names[graph.actors[actor] as string]),
      ["Ada"],
      "the step shows Ada's writing: Ben wrote nothing to the text in it",
    )
    assert.equal(writing.size, 3, "the body set, the line added and the line removed")
  })

  it("a session never shows a change without the changes it built on, even when clocks disagree", () => {
    let ada = A.from<Minutes>({ body: "" }, { actor: ACTORS[0] })
    ada = A.change(ada, { time: 600 }, (d) => A.splice(d, ["body"], 0, 0, "first "))
    // Ben's clock is ten minutes behind: his change says it came before Ada's, which it builds on.
    let ben = A.merge(A.init<Minutes>({ actor: ACTORS[1] }), ada)
    ben = A.change(ben, { time: 0 }, (d) => A.splice(d, ["body"], 6, 0, "second"))
    const { graph, body } = history(ben)
    const points = editSessions(graph, (actor) => graph.actors[actor] as string)
    const texts = points.map((p) => body.textAt(p.clock))
    assert.equal(texts[texts.length - 1], "first second")
    for (const text of texts) assert.ok(text === "" || text.startsWith("first"), `a possible state: ${text}`)
  })
})

describe("the history worker's answers", () => {
  it("answers authorship, sessions and comparisons about the loaded copy, and says what failed", () => {
    const doc = concurrentDocument(5, 120)
    const service = new HistoryService()
    assert.deepEqual(service.handle({ kind: "authors" }), { kind: "error", message: "no document loaded" })
    const loaded = service.handle({ kind: "load", bytes: A.getBackend(doc).saveNoCompress(), body: doc.body })
    assert.equal(loaded.kind, "load")

    const authors = service.handle({ kind: "authors" })
    assert.ok(authors.kind === "authors")
    assert.equal(authors.text, doc.body)
    assert.ok(authors.spans.every((span) => /^[0-9a-f]{32}$/.test(span.actor)))
    const creator = service.handle({ kind: "creator" })
    assert.deepEqual(creator, { kind: "creator", creator: "ff".padEnd(32, "0") })

    const sessions = service.handle({ kind: "sessions", people: { [ACTORS[0] as string]: "Ada" } })
    assert.ok(sessions.kind === "sessions" && sessions.points.length > 0)
    assert.ok(sessions.points.some((point) => point.person === "Ada"))
    const last = sessions.points.length - 1
    const newest = service.handle({ kind: "compare", from: { point: last }, to: { now: true } })
    assert.ok(newest.kind === "compare")
    assert.equal(newest.text, doc.body)
    assert.ok(
      newest.segments.every((segment) => segment.kind === "kept"),
      "the newest point is now",
    )

    const middle = A.topoHistoryTraversal(doc)[60] as string
    const meta = A.getBackend(doc).getChangeMetaByHash(middle)
    const since = service.handle({
      kind: "compare",
      from: { heads: [{ actor: meta?.actor ?? "", seq: meta?.seq ?? 0 }] },
      to: { now: true },
    })
    assert.ok(since.kind === "compare")
    assert.equal(
      since.segments
        .filter((s) => s.kind !== "added")
        .map((s) => s.text)
        .join(""),
      A.view(doc, [middle]).body,
    )

    assert.deepEqual(service.handle({ kind: "compare", from: { point: 9999 }, to: { now: true } }), {
      kind: "error",
      message: "no timeline point 9999",
    })
    const unknown = service.handle({ kind: "compare", from: { heads: [{ actor: "ab", seq: 1 }] }, to: { now: true } })
    assert.deepEqual(unknown, { kind: "error", message: "the document has no change 1 of ab" })
  })
})

describe("a document the reader does not understand", () => {
  const doc = concurrentDocument(6, 300)
  const bytes = A.getBackend(doc).saveNoCompress()

  function loadInto(service: HistoryService, saved: Uint8Array, body: string | null = doc.body): HistoryReply {
    return service.handle({ kind: "load", bytes: saved, body })
  }

  it("is refused as unreadable, with the reason, and nothing is loaded from it", () => {
    const big = A.from<Minutes>({ body: "x".repeat(20_000) })
    const cases: [string, Uint8Array, RegExp][] = [
      ["nothing", new Uint8Array(0), /ends too early/],
      ["not Automerge", new TextEncoder().encode("# Minutes\n\nnot a document"), /not an Automerge document/],
      [
        "a change, not a document",
        A.getLastLocalChange(A.change(doc, (d) => A.splice(d, ["body"], 0, 0, "x"))) as Uint8Array,
        /a change chunk/,
      ],
      ["truncated", bytes.subarray(0, bytes.length - 40), /truncated|ends too early/],
      ["compressed columns", A.save(big), /compressed/],
    ]
    for (const [what, saved, reason] of cases) {
      const service = new HistoryService()
      const reply = loadInto(service, saved, what === "compressed columns" ? big.body : doc.body)
      assert.ok(reply.kind === "error" && reply.unreadable, `${what}: refused as unreadable`)
      assert.match(reply.message, /^the saved document could not be read: /, what)
      assert.match(reply.message, reason, what)
      assert.deepEqual(service.handle({ kind: "authors" }), { kind: "error", message: "no document loaded" }, what)
    }
  })

  it("is refused when what it reads is not the document's text", () => {
    const service = new HistoryService()
    assert.deepEqual(loadInto(service, bytes, `${doc.body}!`), {
      kind: "error",
      message: "the saved document could not be read: its text read back differs from the document's",
      unreadable: true,
    })
    assert.equal(service.handle({ kind: "authors" }).kind, "error")
    // The same service reads the right copy afterwards.
    assert.equal(loadInto(service, bytes).kind, "load")
  })

  it("is either read right or refused, never half-read nor endless, whatever bytes are damaged", () => {
    const pick = random(11)
    let refused = 0
    for (let trial = 0; trial < 300; trial += 1) {
      const damaged = bytes.slice()
      for (let flips = 1 + Math.floor(pick() * 3); flips > 0; flips -= 1) {
        damaged[Math.floor(pick() * damaged.length)] = Math.floor(pick() * 256)
      }
      const service = new HistoryService()
      const reply = loadInto(service, damaged)
      if (reply.kind === "error") {
        assert.ok(reply.unreadable, `trial ${trial}: ${reply.message}`)
        refused += 1
        continue
      }
      const authors = service.handle({ kind: "authors" })
      assert.ok(authors.kind === "authors" && authors.text === doc.body, `trial ${trial}: the text is the document's`)
    }
    assert.ok(refused > 0, "some damage is noticed")
  })

  it("a worker that never answers is stopped and the question fails as stuck; the next starts a new worker", async () => {
    const started: { terminated: boolean; posted: RequestEnvelope[] }[] = []
    const silent = (): WorkerLike => {
      const worker = { terminated: false, posted: [] as RequestEnvelope[] }
      started.push(worker)
      return {
        postMessage: (message) => worker.posted.push(message),
        onmessage: null,
        terminate: () => {
          worker.terminated = true
        },
      }
    }
    const client = new HistoryClient(silent, 20)
    await assert.rejects(client.ask({ kind: "authors" }), (error: unknown) => {
      assert.ok(error instanceof HistoryError)
      assert.equal(error.reason, "stuck")
      return true
    })
    assert.equal(started[0]?.terminated, true)
    await assert.rejects(client.ask({ kind: "creator" }), HistoryError)
    assert.equal(started.length, 2, "a new worker for the next question")
    assert.equal(started[1]?.posted[0]?.request.kind, "creator")
  })
})
