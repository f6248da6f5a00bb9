import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { FinalMinutesWatch } from "../src/closing/finalMinutesWatch.js"
import type { MeetingInfo, PublishTarget } from "../src/types.js"

function target(state: PublishTarget["state"]): PublishTarget {
  return { target: "folder", state, attempts: 1, lastError: null, deliveredAt: null, location: "2031-04-01.md" }
}

function answer(status: string, revision: number, publish: PublishTarget[]): MeetingInfo {
  return {
    id: "m1",
    documentUrl: "automerge:x",
    status,
    role: "chair",
    meta: {},
    closed: null,
    publish,
    revision,
  }
}

/**
 * Runs a watch over scripted answers (an Error is a failed ask) and tells what it did; the final
 * text fails to load as many times as `textFailures` says.
 */
async function watch(answers: Array<MeetingInfo | Error>, textFailures = 0) {
  let failuresLeft = textFailures
  const asked: number[] = []
  const published: number[] = []
  const statuses: string[] = []
  const sleeps: number[] = []
  let next = 0
  const run = new FinalMinutesWatch(
    async () => {
      asked.push(next)
      const given = answers[next++]
      if (given === undefined) throw new Error("the watch asked after its last answer")
      if (given instanceof Error) throw given
      return given
    },
    {
      isPublished: (info) => info.status === "closed" && (info.revision ?? 0) > 0,
      published: async (info) => {
        published.push(info.revision ?? 0)
        if (failuresLeft-- > 0) throw new Error("the revision's text did not load")
      },
      publishStatus: (targets) => statuses.push(targets.map((t) => t.state).join(",") || "none"),
    },
    async (ms) => {
      sleeps.push(ms)
    },
  ).run()
  await run
  return { asks: asked.length, published, statuses, sleeps }
}

describe("FinalMinutesWatch", () => {
  it("asks quickly until the revision is published, then slower until every target has an outcome", async () => {
    const seen = await watch([
      answer("open", 0, []),
      answer("closed", 1, [target("pending"), target("delivered")]),
      answer("closed", 1, [target("failed"), target("delivered")]),
    ])
    assert.deepEqual(seen.published, [1], "the final text is asked for once")
    assert.deepEqual(seen.statuses, ["pending,delivered", "failed,delivered"], "nothing before the close's answer")
    assert.deepEqual(seen.sleeps, [1000, 2000])
    assert.equal(seen.asks, 3, "no ask after the outcome is known")
  })

  it("stops at the first answer when the meeting was published and delivered before the page opened", async () => {
    const seen = await watch([answer("closed", 2, [target("delivered")])])
    assert.deepEqual(seen.published, [2])
    assert.deepEqual(seen.sleeps, [])
  })

  it("keeps asking, at the slower pace, after an ask failed", async () => {
    const seen = await watch([new Error("offline"), answer("closed", 1, [target("delivered")])])
    assert.deepEqual(seen.sleeps, [2000])
    assert.deepEqual(seen.published, [1])
  })

  it("stops once the revision is published when the server publishes nowhere", async () => {
    const seen = await watch([answer("closed", 0, []), answer("closed", 1, [])])
    assert.deepEqual(seen.published, [1])
    assert.equal(seen.asks, 2)
  })

  it("asks again for the final text when it did not load", async () => {
    const delivered = answer("closed", 1, [target("delivered")])
    const seen = await watch([delivered, delivered], 1)
    assert.deepEqual(seen.published, [1, 1], "tried with the next answer")
    assert.deepEqual(seen.sleeps, [1000])
  })

  it("does not take targets as settled before the revision is published", async () => {
    // A correction's close: the answer still names the last revision's delivered targets.
    const seen = await watch([
      answer("open", 1, [target("delivered")]),
      answer("closed", 2, [target("pending")]),
      answer("closed", 2, [target("delivered")]),
    ])
    assert.deepEqual(seen.published, [2])
    assert.deepEqual(
      seen.statuses,
      ["pending", "delivered"],
      "the last revision's 'delivered' is never shown as this one's",
    )
  })
})
