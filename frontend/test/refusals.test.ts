import assert from "node:assert/strict"
import { test } from "node:test"
import { sizeLimitOf } from "../src/sync/refusals.js"

test("a body-limit refusal names the limit for people", () => {
  const refusal = sizeLimitOf(
    "body-limit: the minutes hold 199,990 characters and this change inserts 2,000,000, past the meeting's limit of 200,000 characters (MINUTES_MAX_BODY_CHARS); change to X refused, nothing stored",
  )
  assert.deepEqual(refusal, { kind: "body", detail: "A meeting's minutes may hold at most 200,000 characters." })
})

test("a change-limit refusal names the history's limit", () => {
  const refusal = sizeLimitOf(
    "change-limit: the meeting's history would pass its limit of 40 changes (MINUTES_MAX_CHANGES; it holds 40); change to X refused, nothing stored",
  )
  assert.deepEqual(refusal, { kind: "history", detail: "A meeting may hold at most 40 edits." })
})

test("other refusals are not about size", () => {
  assert.equal(sizeLimitOf("read-only: this link may only read; change to X refused"), null)
  assert.equal(sizeLimitOf("a body-limit: inside the text"), null)
})
