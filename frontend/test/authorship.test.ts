import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { next as A } from "@automerge/automerge"
import { ChangeSet, EditorState, Text } from "@codemirror/state"
import { describeAuthors, TEMPLATE_NAME } from "../src/authors.js"
import { type AuthorSpan, applyChanges, authorSpans, authorship, movedSpans, showAuthors } from "../src/authorship.js"
import { peopleOf } from "../src/people.js"
import type { MinutesDoc } from "../src/types.js"

const spans = (...parts: [number, number, string][]): AuthorSpan[] =>
  parts.map(([from, to, actor]) => ({ from, to, actor }))

describe("authorship spans follow edits", () => {
  const text = spans([0, 5, "a"], [5, 10, "b"])

  it("text typed inside someone's span splits it and is the typist's", () => {
    const changes = ChangeSet.of({ from: 7, insert: "xy" }, 10)
    assert.deepEqual(applyChanges(text, changes, "c"), spans([0, 5, "a"], [5, 7, "b"], [7, 9, "c"], [9, 12, "b"]))
  })

  it("text typed at a span's end is not that span's", () => {
    const changes = ChangeSet.of({ from: 5, insert: "z" }, 10)
    assert.deepEqual(applyChanges(text, changes, "b"), spans([0, 5, "a"], [5, 11, "b"]))
    assert.deepEqual(applyChanges(text, changes, "a"), spans([0, 6, "a"], [6, 11, "b"]))
  })

  it("deleted text takes its authorship with it", () => {
    const changes = ChangeSet.of({ from: 3, to: 8 }, 10)
    assert.deepEqual(applyChanges(text, changes, "c"), spans([0, 3, "a"], [3, 5, "b"]))
  })

  it("a line moved keeps its author: the same text taken out and written again in one edit", () => {
    const before = Text.of(["aaaa", "bbbb", ""])
    // Alt+↑ on b's line: written again above a's, then taken out below.
    const move = ChangeSet.of(
      [
        { from: 0, insert: "bbbb\n" },
        { from: 5, to: 10 },
      ],
      10,
    )
    assert.deepEqual(movedSpans(text, move, before), spans([0, 5, "b"]))
    // A replacement with other text, or the same text in another edit, is no move.
    assert.equal(movedSpans(text, ChangeSet.of({ from: 5, to: 10, insert: "cccc\n" }, 10), before), null)
    assert.equal(movedSpans(text, ChangeSet.of({ from: 0, insert: "bbbb\n" }, 10), before), null)
  })

  it("words an Undo writes back where they were deleted keep their author, as the history reads them", () => {
    // "Ben: ship the release on Friday." by b; a (this page) deletes "the release ", types "it "
    // there, then undoes both (each its own edit), and types on after the words brought back.
    let state = EditorState.create({
      doc: "Ben: ship the release on Friday.",
      extensions: authorship({ selfActor: () => "a", lookUp: () => null, onStale: () => {} }),
    })
    state = state.update({ effects: showAuthors.of({ spans: spans([0, 32, "b"]), classes: new Map() }) }).state
    const edit = (change: { from: number; to?: number; insert?: string }) => {
      state = state.update({ changes: change, userEvent: "input" }).state
    }
    edit({ from: 10, to: 22 })
    edit({ from: 10, insert: "it " })
    edit({ from: 10, to: 13 })
    edit({ from: 10, insert: "the release " })
    edit({ from: 22, insert: "early " })
    assert.equal(state.doc.toString(), "Ben: ship the release early on Friday.")
    assert.deepEqual(authorSpans(state), spans([0, 22, "b"], [22, 28, "a"], [28, 38, "b"]))
    // Other text written there is the writer's.
    edit({ from: 5, to: 9 })
    edit({ from: 5, insert: "send" })
    assert.deepEqual(authorSpans(state)?.slice(0, 2), spans([0, 5, "b"], [5, 9, "a"]))
  })

  it("words deleted one by one and brought back by one Undo keep their author, also when it arrives in pieces", () => {
    // "Ben says the third line here" by b; a (here) deletes four words from the end with
    // Ctrl+Backspace, each its own edit.
    const line = "Ben says the third line here"
    const deleted = () => {
      let state = EditorState.create({
        doc: line,
        extensions: authorship({ selfActor: () => "a", lookUp: () => null, onStale: () => {} }),
      })
      state = state.update({ effects: showAuthors.of({ spans: spans([0, 28, "b"]), classes: new Map() }) }).state
      for (const word of ["here", "line ", "third ", "the "]) {
        const end = state.doc.length
        state = state.update({ changes: { from: end - word.length, to: end }, userEvent: "delete" }).state
      }
      assert.equal(state.doc.toString(), "Ben says ")
      return state
    }
    // The Undo in one edit, as on the page that pressed it.
    const whole = deleted().update({ changes: { from: 9, insert: "the third line here" }, userEvent: "undo" }).state
    assert.deepEqual(authorSpans(whole), spans([0, 28, "b"]))
    // The same text arriving from the document in two pieces, as another page may get it.
    let pieces = deleted().update({ changes: { from: 9, insert: "the third " } }).state
    pieces = pieces.update({ changes: { from: 19, insert: "line here" } }).state
    assert.equal(pieces.doc.toString(), line)
    assert.deepEqual(authorSpans(pieces), spans([0, 28, "b"]))
  })

  it("a replacement is the replacer's, and unknown text stays unknown until looked up", () => {
    const changes = ChangeSet.of({ from: 4, to: 6, insert: "QQQ" }, 10)
    assert.deepEqual(applyChanges(text, changes, ""), spans([0, 4, "a"], [4, 7, ""], [7, 11, "b"]))
  })
})

describe("naming and colouring authors", () => {
  const context = {
    people: new Map([
      ["a1", "Ada"],
      ["a2", "Ada"],
      ["b1", "Ben"],
      ["c1", "Cy"],
    ]),
    selfActor: "me",
    selfName: "Dee",
    creator: "server",
    present: [{ name: "Ben", color: 0 }],
  }

  it("gives people here their presence colour, others free colours in name order, the template none", () => {
    const authors = describeAuthors(["a1", "a2", "b1", "c1", "me", "server", "x123456789"], context)
    assert.deepEqual(authors.get("b1"), { name: "Ben", color: 0, known: true })
    assert.deepEqual(authors.get("a1"), { name: "Ada", color: 1, known: true })
    assert.deepEqual(
      authors.get("a2"),
      { name: "Ada", color: 1, known: true },
      "one person, several page loads, one colour",
    )
    assert.deepEqual(authors.get("c1"), { name: "Cy", color: 2, known: true })
    // 3 (purple) and 4 (red) are free but look like Ada's 1 (blue) and Ben's 0 (orange): the next
    // colour unlike any in use.
    assert.deepEqual(authors.get("me"), { name: "Dee", color: 5, known: true })
    assert.deepEqual(authors.get("server"), { name: TEMPLATE_NAME, color: null, known: true })
    assert.deepEqual(authors.get("x123456789"), { name: "Unnamed (x12345)", color: 6, known: false })
  })

  it("knows an actor by its name in people, even one that reads like an unnamed actor's", () => {
    const named = { ...context, people: new Map([["f1", "Unnamed (f1)"]]), present: [] }
    assert.equal(describeAuthors(["f1"], named).get("f1")?.known, true)
    assert.equal(describeAuthors(["f2"], named).get("f2")?.known, false)
  })
})

describe("the people map", () => {
  it("reads names as labels: trimmed, one line, at most 60 characters, only for actor ids", () => {
    const doc = {
      body: "",
      people: { aa11: "  Ada\nLovelace ", bb22: { val: "Ben" }, "not an actor": "Eve", cc33: "x".repeat(80), dd44: "" },
    } as unknown as MinutesDoc
    const people = peopleOf(doc)
    assert.deepEqual([...people.keys()], ["aa11", "bb22", "cc33"])
    assert.equal(people.get("aa11"), "Ada Lovelace")
    assert.equal(people.get("bb22"), "Ben")
    assert.equal(people.get("cc33")?.length, 60)
  })

  it("reads what a page writes with Automerge", () => {
    const doc = A.change(A.from<{ body: string; people: Record<string, string> }>({ body: "", people: {} }), (d) => {
      d.people[A.getActorId(d)] = "Ada"
    })
    assert.deepEqual([...peopleOf(doc as MinutesDoc).values()], ["Ada"])
  })
})
