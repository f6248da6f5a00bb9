import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { EditorState } from "@codemirror/state"
import { actionItemEditing } from "../src/actionItemCommands.js"
import { itemCounts, parseActionItems } from "../src/text/actionItems.js"

describe("parseActionItems", () => {
  it("reads open and done items with owner and text", () => {
    const text = "Notes\n- [ ] Anil: release the TLS stack\n- [x] Mindy: write network tests\n"
    const items = parseActionItems(text)
    assert.deepEqual(
      items.map(({ done, owner, text: what, line }) => ({ done, owner, text: what, line })),
      [
        { done: false, owner: "Anil", text: "release the TLS stack", line: 2 },
        { done: true, owner: "Mindy", text: "write network tests", line: 3 },
      ],
    )
  })

  it("points checkOffset at the character between the brackets", () => {
    const text = "intro\n  * [X] Dave Scott: fix xenstore"
    const [item] = parseActionItems(text)
    assert.ok(item?.checkOffset)
    assert.equal(text[item.checkOffset], "X")
    assert.equal(item.done, true)
    assert.equal(item.owner, "Dave Scott")
  })

  it("keeps items without an owner, and does not take a long sentence for an owner", () => {
    const sentence = "Someone should look at the very long problem described in the thread: soon"
    const items = parseActionItems(`- [ ] ship it\n- [ ] ${sentence}`)
    assert.deepEqual(
      items.map(({ owner, text }) => ({ owner, text })),
      [
        { owner: "", text: "ship it" },
        { owner: "", text: sentence },
      ],
    )
  })

  it("ignores plain list items, malformed boxes and code blocks", () => {
    const text = "- Anil: not a task\n- [] Anil: no space\n-[ ] Anil: no gap\n```\n- [ ] Anil: code\n```\n- [ ]\n"
    assert.deepEqual(parseActionItems(text), [])
  })
})

/** What the panel shows of the habitual items of `text`, and the checklist line each one becomes. */
function habits(text: string) {
  return parseActionItems(text)
    .filter((item) => item.form === "habit")
    .map(({ owner, text: what, checklist }) => ({ owner, text: what, checklist }))
}

describe("parseActionItems: lines written by habit", () => {
  it("reads ACTION: Name to …, ACTION Name: … and TODO @name …, in any case", () => {
    const text = [
      "ACTION: Mindy to write the network tests",
      "action Anil: release the TLS stack",
      "TODO @dave fix xenstore",
      "Todo: @hannes: review the patch",
      "  - **ACTION:** Anil and Mindy to pair on it",
      "* TODO: book a room",
    ].join("\n")
    assert.deepEqual(habits(text), [
      { owner: "Mindy", text: "write the network tests", checklist: "- [ ] Mindy: write the network tests" },
      { owner: "Anil", text: "release the TLS stack", checklist: "- [ ] Anil: release the TLS stack" },
      { owner: "dave", text: "fix xenstore", checklist: "- [ ] dave: fix xenstore" },
      { owner: "hannes", text: "review the patch", checklist: "- [ ] hannes: review the patch" },
      { owner: "Anil and Mindy", text: "pair on it", checklist: "  - [ ] Anil and Mindy: pair on it" },
      { owner: "", text: "book a room", checklist: "* [ ] book a room" },
    ])
  })

  it("gives the line's span, so that the conversion replaces exactly that line", () => {
    const text = "Notes\nACTION: Mindy to write tests\nmore"
    const [item] = parseActionItems(text)
    assert.ok(item)
    assert.equal(text.slice(item.from, item.to), "ACTION: Mindy to write tests")
    assert.equal(item.checkOffset, null)
    assert.equal(item.done, false)
    assert.equal(item.line, 2)
  })

  it("keeps the line's trailing spaces in the checklist line: the gap before a word being typed", () => {
    const [item] = parseActionItems("ACTION: Ben to send the slides ")
    assert.equal(item?.text, "send the slides")
    assert.equal(item?.checklist, "- [ ] Ben: send the slides ")
  })

  it("takes an owner only when it reads like a name, and like an attendee's when there are attendees", () => {
    assert.deepEqual(habits("ACTION: talk to the Xen folks"), [
      { owner: "", text: "talk to the Xen folks", checklist: "- [ ] talk to the Xen folks" },
    ])
    const withAttendees =
      "Attendees: Anil Madhavapeddy and Mindy Preston\n\nACTION: Talk to Anil\nACTION: mindy to ship\n"
    assert.deepEqual(
      habits(withAttendees).map(({ owner, text }) => ({ owner, text })),
      [
        { owner: "", text: "Talk to Anil" },
        { owner: "", text: "mindy to ship" },
      ],
    )
    assert.deepEqual(
      habits("Attendees: Mindy Preston\n\nACTION: Mindy to ship").map(({ owner }) => owner),
      ["Mindy"],
    )
  })

  it("leaves prose, headings, code and checklist items alone", () => {
    const text = [
      "Action items were discussed: none.",
      "Action Items:",
      "Actions: none",
      "todo lists are useful",
      "### Action items ###",
      "ACTION:",
      "```",
      "TODO: inside code",
      "```",
      "- [ ] ACTION: already a checklist item",
    ].join("\n")
    assert.deepEqual(habits(text), [])
    assert.equal(parseActionItems(text).length, 1)
  })
})

describe("itemCounts", () => {
  it("counts lines written by habit apart: the server's action items are checklist items only", () => {
    const counts = itemCounts(parseActionItems("- [ ] Ben: ship it\nACTION: Cy to check the links\n"))
    assert.deepEqual([counts.open, counts.done, counts.habits], [1, 0, 1])
  })

  it("counts each item once, done when any line ticks it, as the server does", () => {
    const items = parseActionItems(
      "- [ ] Thomas: fix the ARM runner\n- [ ] Bob: ship it\n\n- [x] thomas: fix the  ARM runner\n- [ ] Bob:  ship it\n",
    )
    const counts = itemCounts(items)
    assert.deepEqual([counts.open, counts.done, counts.habits], [1, 1, 0])
    assert.deepEqual(
      items.map((item) => counts.tickedOn(item)),
      [4, null, null, null],
    )
  })
})

describe("typing an item", () => {
  it("a box typed into an item Enter started drops the first: one box, the owner named", () => {
    let state = EditorState.create({ doc: "- [ ] Ada: first\n- [ ] ", extensions: actionItemEditing() })
    for (const character of "- [ ] Ben: second") {
      const at = state.selection.main.head === 0 ? state.doc.length : state.selection.main.head
      state = state.update({
        changes: { from: at, insert: character },
        selection: { anchor: at + 1 },
        userEvent: "input.type",
      }).state
    }
    assert.equal(state.doc.toString(), "- [ ] Ada: first\n- [ ] Ben: second")
    assert.deepEqual(
      parseActionItems(state.doc.toString()).map((item) => item.owner),
      ["Ada", "Ben"],
    )
  })
})
