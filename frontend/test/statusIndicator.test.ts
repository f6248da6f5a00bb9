import assert from "node:assert/strict"
import { before, describe, it, mock } from "node:test"
import { JSDOM } from "jsdom"
import type { IndicatorKind } from "../src/sync/indicatorState.js"
import type { SyncSnapshot } from "../src/sync/syncStatus.js"

function snapshot(kind: IndicatorKind, connected: boolean): SyncSnapshot {
  return {
    view: { kind, text: kind, description: `${kind}: what it means` },
    connected,
    pending: 0,
    storedLocally: true,
  }
}

describe("the status indicator's announcements", () => {
  let StatusIndicator: typeof import("../src/ui/statusIndicator.js").StatusIndicator

  before(async () => {
    globalThis.document = new JSDOM("<!doctype html><body></body>").window.document
    StatusIndicator = (await import("../src/ui/statusIndicator.js")).StatusIndicator
  })

  it("says the connection is back once all is saved, also after the saving in between", () => {
    const indicator = new StatusIndicator()
    indicator.show(snapshot("saved", true))
    assert.equal(indicator.announcer.textContent, "", "typing's saving/saved is not announced")
    indicator.show(snapshot("offline", false))
    assert.equal(indicator.announcer.textContent, "offline: what it means")
    indicator.show(snapshot("saving", true))
    assert.equal(indicator.announcer.textContent, "offline: what it means", "nothing to say yet")
    indicator.show(snapshot("saved", true))
    assert.equal(indicator.announcer.textContent, "Connection back. Every edit is saved.")
    indicator.announcer.textContent = ""
    indicator.show(snapshot("saving", true))
    indicator.show(snapshot("saved", true))
    assert.equal(indicator.announcer.textContent, "", "said once, not on every later save")
  })

  it("says nothing of a page still opening, unless it stays offline", () => {
    mock.timers.enable({ apis: ["setTimeout"] })
    try {
      const opening = new StatusIndicator()
      opening.show(snapshot("offline", false))
      opening.show(snapshot("saving", true))
      opening.show(snapshot("saved", true))
      mock.timers.tick(10_000)
      assert.equal(opening.announcer.textContent, "", "no 'offline', no 'Connection back' while opening")

      const unreachable = new StatusIndicator()
      unreachable.show(snapshot("offline", false))
      assert.equal(unreachable.announcer.textContent, "", "not at once")
      mock.timers.tick(3_000)
      assert.equal(unreachable.announcer.textContent, "offline: what it means", "once it lasts")
      unreachable.show(snapshot("saved", true))
      assert.equal(unreachable.announcer.textContent, "Connection back. Every edit is saved.")
    } finally {
      mock.timers.reset()
    }
  })

  it("floats a close seen here for a while, then leaves it in the top bar", () => {
    mock.timers.enable({ apis: ["setTimeout"] })
    try {
      const indicator = new StatusIndicator()
      indicator.show(snapshot("closed", false))
      assert.equal(indicator.element.dataset.closedHere, undefined, "a closed meeting opened to read: no float")
      indicator.closedWhileOpen()
      assert.equal(indicator.element.dataset.closedHere, "", "closed while open: it floats")
      mock.timers.tick(14_000)
      assert.equal(indicator.element.dataset.closedHere, "", "still, while the person may be typing")
      mock.timers.tick(1_000)
      assert.equal(indicator.element.dataset.closedHere, undefined, "then no more: it would cover the text")
    } finally {
      mock.timers.reset()
    }
  })
})
