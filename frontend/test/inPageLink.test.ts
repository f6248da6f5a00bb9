import assert from "node:assert/strict"
import { before, describe, it } from "node:test"
import { JSDOM } from "jsdom"

describe("links within the page", () => {
  let inPageLink: typeof import("../src/ui/dom.js").inPageLink
  let window: JSDOM["window"]

  before(async () => {
    window = new JSDOM('<!doctype html><body><main id="main"><h2 id="outline-title">Outline</h2></main></body>', {
      url: "http://127.0.0.1/m/abc#token=secret",
    }).window
    globalThis.document = window.document
    inPageLink = (await import("../src/ui/dom.js")).inPageLink
  })

  it("give the keyboard to their target and are not followed (the address keeps its token)", () => {
    const link = inPageLink("outline-title", "jump-link", "Outline")
    document.body.append(link)
    const followed = link.dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }))
    assert.equal(followed, false, "the browser does not follow #outline-title, which would replace #token=")
    assert.equal(document.activeElement?.id, "outline-title")
  })

  it("let a better place take the keyboard instead", () => {
    const input = document.createElement("input")
    document.body.append(input)
    const link = inPageLink("main", "skip-link", "Skip", () => {
      input.focus()
      return true
    })
    document.body.append(link)
    const followed = link.dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }))
    assert.equal(followed, false)
    assert.equal(document.activeElement, input)
  })
})
