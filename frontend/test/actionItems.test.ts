import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseActionItems } from "../src/text/actionItems.js"

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
    assert.ok(item)
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
