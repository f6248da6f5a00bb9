import assert from "node:assert/strict"
import { describe, it } from "node:test"
import {
  ChangeSet,
  EditorSelection,
  EditorState,
  type Extension,
  type StateCommand,
  type Text,
} from "@codemirror/state"
import { lineKeymap, moveLinesDown, moveLinesUp } from "../src/lineCommands.js"
import { remoteCursors, setRemoteCursors } from "../src/remoteCursors.js"

/** What a command did: the text and selection after it, and its changes. */
interface Outcome {
  readonly newDoc: Text
  readonly newSelection: EditorSelection
  readonly changes: ChangeSet
}

/**
 * Runs `command` on `text` with the selection `[anchor, head]` (and `extensions`), as a view would:
 * each transaction it dispatches builds on the one before. Null when it did nothing.
 */
function run(
  command: StateCommand,
  text: string,
  anchor: number,
  head = anchor,
  extensions: Extension = [],
): Outcome | null {
  return runOn(command, EditorState.create({ doc: text, selection: EditorSelection.single(anchor, head), extensions }))
}

function runOn(command: StateCommand, start: EditorState): Outcome | null {
  let state = start
  let changes = ChangeSet.empty(start.doc.length)
  command({
    state,
    dispatch: (tr) => {
      changes = changes.compose(tr.changes)
      state = tr.state
    },
  })
  return state === start ? null : { newDoc: state.doc, newSelection: state.selection, changes }
}

/** The changes as [from, to, inserted] in the old document's positions. */
function edits(outcome: Outcome): [number, number, string][] {
  const found: [number, number, string][] = []
  outcome.changes.iterChanges((from, to, _fromB, _toB, inserted) => found.push([from, to, inserted.toString()]))
  return found
}

const bind = (key: string) => lineKeymap.find((binding) => binding.key === key)?.run as unknown as StateCommand

describe("moving lines", () => {
  const text = "apples\nbananas\ncherries\ndates"

  it("Alt+Up takes the chosen line out and writes it above the line it passes, which is not touched", () => {
    const tr = run(moveLinesUp, text, text.indexOf("dates") + 2)
    assert.ok(tr)
    assert.equal(tr.newDoc.toString(), "apples\nbananas\ndates\ncherries")
    // Nothing of "cherries" is deleted or written: whoever types in it keeps their words whole.
    for (const [from, to, inserted] of edits(tr)) {
      assert.ok(!inserted.includes("cherries"), `no copy of the passed line: ${inserted}`)
      assert.ok(to <= text.indexOf("cherries") || from >= text.indexOf("cherries") + "cherries".length)
    }
    assert.equal(tr.newSelection.main.head, tr.newDoc.toString().indexOf("dates") + 2, "the caret moves with its line")
  })

  it("Alt+Down passes the next line the same way, and a selection of two lines moves as one block", () => {
    const longer = `${text}\nelderberries`
    const tr = run(moveLinesDown, longer, longer.indexOf("bananas") + 1, longer.indexOf("cherries") + 3)
    assert.ok(tr)
    assert.equal(tr.newDoc.toString(), "apples\ndates\nbananas\ncherries\nelderberries")
    for (const [from, , inserted] of edits(tr)) {
      assert.ok(!inserted.includes("dates"))
      // Written at the start of the next line, not at the end of "dates", where someone may be typing.
      if (inserted) assert.equal(from, longer.indexOf("elderberries"))
    }
    const moved = tr.newDoc.toString()
    assert.equal(moved.slice(tr.newSelection.main.from, tr.newSelection.main.to), "ananas\nche")
  })

  it("a selection ending at a line's start does not take that line along, and stays on its line", () => {
    const up = run(moveLinesUp, text, text.indexOf("bananas"), text.indexOf("cherries"))
    assert.equal(up?.newDoc.toString(), "bananas\napples\ncherries\ndates")
    assert.deepEqual(
      [up?.newSelection.main.anchor, up?.newSelection.main.head],
      [0, 8],
      "still bananas and its line end",
    )
    const down = run(moveLinesDown, text, text.indexOf("bananas"), text.indexOf("cherries"))
    assert.equal(down?.newDoc.toString(), "apples\ncherries\nbananas\ndates")
    const moved = down?.newDoc.toString() ?? ""
    assert.deepEqual(
      [down?.newSelection.main.anchor, down?.newSelection.main.head],
      [moved.indexOf("bananas"), moved.indexOf("dates")],
    )
  })

  it("rewrites the line passed instead when someone else's caret is in the chosen line", () => {
    const inDates = text.indexOf("dates") + 2
    const state = EditorState.create({
      doc: text,
      selection: EditorSelection.cursor(inDates),
      extensions: remoteCursors(),
    })
    const cy = { key: "cy", name: "Cy", color: 1, position: inDates + 1, mark: "cy-caret" }
    const moved = runOn(moveLinesUp, state.update({ effects: setRemoteCursors.of([cy]) }).state)
    assert.ok(moved)
    assert.equal(moved.newDoc.toString(), "apples\nbananas\ndates\ncherries")
    const written = edits(moved).map(([, , inserted]) => inserted)
    assert.ok(!written.some((inserted) => inserted.includes("dates")), `Cy's line is not rewritten: ${written}`)
    assert.ok(written.some((inserted) => inserted.includes("cherries")))
    assert.equal(moved.newSelection.main.head, moved.newDoc.toString().indexOf("dates") + 2)
  })

  it("does not move lines of a read-only text", () => {
    assert.equal(run(moveLinesUp, text, text.length, text.length, EditorState.readOnly.of(true)), null)
  })

  it("moves a line down past the last line", () => {
    const tr = run(moveLinesDown, text, text.indexOf("cherries"))
    assert.equal(tr?.newDoc.toString(), "apples\nbananas\ndates\ncherries")
    assert.equal(tr?.newSelection.main.head, tr?.newDoc.toString().indexOf("cherries"))
  })

  it("does nothing at the first line going up or the last going down", () => {
    assert.equal(run(moveLinesUp, text, 2), null)
    assert.equal(run(moveLinesDown, text, text.length), null)
  })
})

describe("Tab in a list", () => {
  it("nests a list item and takes it out again", () => {
    const text = "- Ada\n- [ ] Ben: tag the release"
    const nested = run(bind("Tab"), text, text.length)
    assert.equal(nested?.newDoc.toString(), "- Ada\n  - [ ] Ben: tag the release")
    const back = run(bind("Shift-Tab"), nested?.newDoc.toString() ?? "", nested?.newDoc.length ?? 0)
    assert.equal(back?.newDoc.toString(), text)
  })

  it("leaves Tab to the browser outside a list and Shift+Tab on an item with nothing to take out", () => {
    assert.equal(run(bind("Tab"), "#### Release ####\nWe ship.", 20), null)
    assert.equal(run(bind("Shift-Tab"), "- Ada", 3), null)
    assert.equal(run(bind("Tab"), "1. Ada\n2. Ben", 12), null, "two spaces would not nest an ordered item")
  })
})
