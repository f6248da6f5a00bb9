import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { next as A } from "@automerge/automerge"
import {
  isCalendarDate,
  MAX_TEXT,
  type MeetingDetails,
  metaChanges,
  validateDetails,
} from "../src/details/meetingDetails.js"
import { detailsOf, writeMeta } from "../src/details/metaWrite.js"
import type { MinutesDoc } from "../src/types.js"

const VALID: MeetingDetails = { subject: "Weekly Meeting: 2031-04-01", date: "2031-04-01", description: "" }

describe("validateDetails", () => {
  it("accepts real calendar dates only, written YYYY-MM-DD", () => {
    assert.equal(isCalendarDate("2032-02-29"), true)
    assert.equal(isCalendarDate("0001-01-01"), true)
    for (const bad of ["2031-02-29", "2031-13-01", "2031-04-31", "2031-4-1", "01/04/2031", "2031-04-01 ", ""]) {
      assert.equal(isCalendarDate(bad), false, bad)
    }
    assert.match(validateDetails({ ...VALID, date: "2031-02-30" }).errors.date ?? "", /real date/)
    assert.match(validateDetails({ ...VALID, date: " " }).errors.date ?? "", /Enter the meeting's date/)
  })

  it("trims, and refuses line breaks, control characters and more than 500 characters like the API", () => {
    assert.deepEqual(validateDetails({ ...VALID, subject: "  Kick-off  " }), {
      details: { ...VALID, subject: "Kick-off" },
      errors: {},
    })
    for (const bad of ["two\nlines", "tab\there", "nul\u0000", "line\u2028separator", "lone \ud800 surrogate"]) {
      assert.match(validateDetails({ ...VALID, description: bad }).errors.description ?? "", /one line/, bad)
    }
    assert.deepEqual(validateDetails({ ...VALID, subject: "x".repeat(MAX_TEXT) }).errors, {})
    assert.match(validateDetails({ ...VALID, subject: "x".repeat(MAX_TEXT + 1) }).errors.subject ?? "", /501/)
    assert.deepEqual(validateDetails({ ...VALID, subject: "Ünïcödé 🎉 fine" }).errors, {})
  })
})

describe("metaChanges", () => {
  const current = { ...VALID, permalink: "weekly-2031-04-01" }

  it("changes only what differs", () => {
    assert.deepEqual(metaChanges(current, { ...VALID, description: "Release day" }), { description: "Release day" })
    assert.deepEqual(metaChanges(current, VALID), {})
  })

  it("moves a default permalink and a default subject with the date", () => {
    assert.deepEqual(metaChanges(current, { ...VALID, date: "2031-04-08" }), {
      subject: "Weekly Meeting: 2031-04-08",
      updated: "2031-04-08",
      permalink: "weekly-2031-04-08",
    })
  })

  it("keeps a chosen permalink and a chosen subject when the date moves", () => {
    const chosen = { ...current, subject: "Kick-off", permalink: "kick-off" }
    assert.deepEqual(metaChanges(chosen, { ...VALID, subject: "Kick-off", date: "2031-04-08" }), {
      updated: "2031-04-08",
    })
  })

  it("gives an emptied subject the standard one, like creating a meeting does", () => {
    assert.deepEqual(metaChanges({ ...current, subject: "Kick-off" }, { ...VALID, subject: "" }), {
      subject: "Weekly Meeting: 2031-04-01",
    })
  })
})

function docOf(initial: Record<string, unknown>): A.Doc<MinutesDoc> {
  return A.from(initial) as unknown as A.Doc<MinutesDoc>
}

describe("writeMeta", () => {
  it("updates text fields in place, so concurrent edits of one field merge", () => {
    const base = docOf({ body: "", meta: { subject: "Weekly Meeting", description: "" } })
    const other = A.clone(base, { actor: "bbbb" })
    const mine = A.change(A.clone(base, { actor: "aaaa" }), (d) => writeMeta(d, { subject: "Weekly Meeting: Q2" }))
    const theirs = A.change(other, (d) => A.splice(d, ["meta", "subject"], 0, 0, "Big "))
    const merged = A.merge(mine, theirs)
    assert.equal(detailsOf(merged).subject, "Big Weekly Meeting: Q2")
  })

  it("replaces a scalar string (as other Java clients write) with text, and adds missing keys", () => {
    const base = docOf({ body: "", meta: { subject: new A.ImmutableString("Old") } })
    const changed = A.change(base, (d) => writeMeta(d, { subject: "New", permalink: "weekly-2031-04-08" }))
    assert.deepEqual(detailsOf(changed), { subject: "New", date: "", description: "", permalink: "weekly-2031-04-08" })
    assert.equal(typeof changed.meta?.subject, "string", "a text object reads as a JS string")
  })
})
