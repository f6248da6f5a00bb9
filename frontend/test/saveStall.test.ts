import assert from "node:assert/strict"
import { afterEach, beforeEach, describe, it, mock } from "node:test"
import type { IndicatorKind } from "../src/sync/indicatorState.js"
import { SAVE_STALL_NOTICE_MS, SaveStallWatch } from "../src/sync/saveStall.js"
import type { SyncSnapshot } from "../src/sync/syncStatus.js"

function snapshot(kind: IndicatorKind, pending: number | null, connected = true): SyncSnapshot {
  return { view: { kind, text: kind, description: kind }, connected, pending, storedLocally: true }
}

describe("SaveStallWatch", () => {
  let said: string[]
  let watch: SaveStallWatch

  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout"] })
    said = []
    watch = new SaveStallWatch(
      () => said.push("stalled"),
      () => said.push("recovered"),
    )
  })
  afterEach(() => mock.timers.reset())

  it("speaks up when the server confirms nothing for a while, and again once all is saved", () => {
    watch.observe(snapshot("saving", 3))
    mock.timers.tick(SAVE_STALL_NOTICE_MS - 1)
    assert.deepEqual(said, [])
    watch.observe(snapshot("saving", 5))
    mock.timers.tick(1)
    assert.deepEqual(said, ["stalled"], "more edits waiting is no confirmation")
    watch.observe(snapshot("saving", 6))
    mock.timers.tick(SAVE_STALL_NOTICE_MS * 2)
    assert.deepEqual(said, ["stalled"], "said once")
    watch.observe(snapshot("saved", 0))
    assert.deepEqual(said, ["stalled", "recovered"])
  })

  it("takes any confirmation as progress: steady typing on a slow connection is no stall", () => {
    for (let second = 0; second < 60; second += 1) {
      watch.observe(snapshot("saving", 4))
      mock.timers.tick(500)
      watch.observe(snapshot("saving", 2))
      mock.timers.tick(500)
    }
    assert.deepEqual(said, [])
  })

  it("leaves offline to the connection notice and a short wait unsaid", () => {
    watch.observe(snapshot("saving", 3))
    mock.timers.tick(5_000)
    watch.observe(snapshot("offline", 3, false))
    mock.timers.tick(SAVE_STALL_NOTICE_MS * 2)
    watch.observe(snapshot("saved", 0))
    assert.deepEqual(said, [])
  })
})
