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

  it("links a page several targets published once, and not before it is there", () => {
    const panel = new FinalPanel()
    const url = "https://docs.example/weekly/weekly-2031-04-01"
    const webhook = { target: "webhook", location: "https://docs.example/hook" }
    panel.showPublish([delivered({ url, path: "2031-04-01.md" }), delivered({ ...webhook, url })])
    assert.equal(panel.element.querySelectorAll("a[data-testid=published-link]").length, 1, "one link to the page")

    panel.showPublish([
      delivered({ url, path: "2031-04-01.md", state: "pending", deliveredAt: null }),
      delivered({ ...webhook, url, state: "pending", deliveredAt: null }),
    ])
    assert.equal(panel.element.querySelectorAll("a").length, 0, "no link while nothing delivered the page")
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

  it("says in words why a delivery waits and when it is tried again; the server's record stays a tooltip", () => {
    const panel = new FinalPanel()
    const lastError =
      "request to docs.example failed: finishConnect(..) failed with error(-111): Connection refused: /10.0.0.7:443"
    panel.showPublish([
      delivered({
        target: "webhook",
        state: "pending",
        attempts: 7,
        lastError,
        deliveredAt: null,
        nextAttemptAt: "2031-04-01T10:05:00Z",
        path: "2031-04-01.md",
      }),
    ])
    const problem = panel.element.querySelector(".publish-error")
    assert.equal(problem?.textContent, "docs.example could not be reached.")
    assert.equal(problem?.getAttribute("title"), lastError)
    assert.match(panel.element.textContent ?? "", /publishing… \(7 attempts\), trying again at /)
    assert.ok(!panel.element.textContent?.includes("finishConnect"), "no stack of socket words")
  })
})

describe("deliveryProblem", () => {
  it("names what happened, not how the server said it", async () => {
    const { deliveryProblem } = await import("../src/ui/finalPanel.js")
    assert.equal(deliveryProblem("HTTP 503: Service Unavailable"), "The receiver answered with status 503")
    assert.equal(
      deliveryProblem("request to docs.example timed out: The timeout period of 10000ms has been exceeded"),
      "docs.example did not answer in time",
    )
    assert.equal(deliveryProblem("cannot write 2031-04-01.md: disk full"), "The file could not be written")
    assert.equal(deliveryProblem("delivery failed: java.lang.IllegalStateException"), "The delivery failed")
    assert.equal(
      deliveryProblem("gave up after 6 attempts over 61 s; last: HTTP 500: Internal Server Error"),
      "The receiver answered with status 500; no more attempts after 6: the server's operator can retry it",
    )
  })
})
