import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { indicatorView } from "../src/sync/indicatorState.js"

const base = { closed: false, error: null, connected: true, pending: 0 } as const

describe("indicatorView", () => {
  it("says saved only when connected and nothing is pending", () => {
    assert.deepEqual([indicatorView(base).text, indicatorView(base).kind], ["saved", "saved"])
    assert.equal(indicatorView({ ...base, pending: 3 }).text, "saving")
  })

  it("says saving, not saved, while the server's heads are unknown", () => {
    assert.equal(indicatorView({ ...base, pending: null }).kind, "saving")
  })

  it("counts pending edits while offline, in the exact wording", () => {
    assert.equal(indicatorView({ ...base, connected: false, pending: 7 }).text, "offline (7 edits pending)")
    assert.equal(indicatorView({ ...base, connected: false, pending: null }).text, "offline (0 edits pending)")
    assert.equal(indicatorView({ ...base, connected: false, pending: 1 }).kind, "offline")
  })

  it("lets an error win over closed, and closed win over the sync states", () => {
    assert.equal(indicatorView({ ...base, closed: true, error: "refused" }).kind, "error")
    assert.equal(indicatorView({ ...base, closed: true, connected: false, pending: 2 }).kind, "closed")
  })
})
