import assert from "node:assert/strict"
import { before, describe, it } from "node:test"
import { JSDOM } from "jsdom"
import type { PublishTarget } from "../src/types.js"

const SERVER_PATH = "/srv/minutes/data/published/2031-04-01.md"

function delivered(extra: Partial<PublishTarget>): PublishTarget {
  return {
    target: "folder",
    state: "delivered",
    attempts: 1,
    lastError: null,
    deliveredAt: "2031-04-01T10:00:00Z",
    location: SERVER_PATH,
    ...extra,
  }
}

describe("FinalPanel's publish status", () => {
  let FinalPanel: typeof import("../src/ui/finalPanel.js").FinalPanel

  before(async () => {
    // The panel builds DOM elements: give it a document, as the browser would.
    globalThis.document = new JSDOM("<!doctype html><body></body>").window.document
    FinalPanel = (await import("../src/ui/finalPanel.js")).FinalPanel
  })

  it("links to the docs site when the server gives a url, opening it safely", () => {
    const panel = new FinalPanel()
    const url = "https://docs.example/weekly/weekly-2031-04-01"
    panel.showPublish([delivered({ url, path: "2031-04-01.md" })])
    const link = panel.element.querySelector("[data-testid=published-link]")
    assert.equal(link?.tagName, "A")
    assert.equal(link?.getAttribute("href"), url)
    assert.equal(link?.getAttribute("rel"), "noopener noreferrer")
    assert.ok(!panel.element.textContent?.includes("/srv/"), "no server path")
  })

  it("shows the file's name otherwise, never the server's path", () => {
    const panel = new FinalPanel()
    panel.showPublish([delivered({})])
    const name = panel.element.querySelector("[data-testid=published-link]")
    assert.equal(name?.tagName, "CODE")
    assert.equal(name?.textContent, "2031-04-01.md")
    assert.ok(!panel.element.textContent?.includes("/srv/"), "no server path")
  })

  it("does not link a url that is not a web address", () => {
    const panel = new FinalPanel()
    panel.showPublish([delivered({ url: "javascript:alert(1)", path: "2031-04-01.md" })])
    assert.equal(panel.element.querySelector("a"), null)
    assert.equal(panel.element.querySelector("[data-testid=published-link]")?.textContent, "2031-04-01.md")
  })
})
