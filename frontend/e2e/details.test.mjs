import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  browserFor,
  closedMinutesMarkdown,
  createMeeting,
  meetingInfo,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForFinalText,
} from "./support/harness.mjs"

const HUMAN = { delay: 120 }

async function header(page) {
  return page.evaluate(() => ({
    subject: document.querySelector("[data-testid=meeting-subject]")?.textContent,
    date: document.querySelector("[data-testid=meeting-date]")?.dataset.date,
    description: document.querySelector("[data-testid=meeting-description]")?.textContent,
  }))
}

async function waitForHeader(page, expected) {
  await page.waitForFunction(
    (want) =>
      document.querySelector("[data-testid=meeting-subject]")?.textContent === want.subject &&
      document.querySelector("[data-testid=meeting-date]")?.dataset.date === want.date &&
      document.querySelector("[data-testid=meeting-description]")?.textContent === want.description,
    expected,
    { timeout: WAIT_MS },
  )
}

test("the chair edits the meeting's details in the page; everyone sees them live and the close publishes them", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("details", { date: "2031-04-01", subject: undefined })
  const browser = await browserFor(t)
  const chair = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const editor = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const viewer = await openMeeting(await newContext(browser), meeting.links.view, "Cy Viewer")

  const before = {
    subject: "Weekly Meeting: 2031-04-01",
    date: "2031-04-01",
    description: "Browser test: details",
  }
  for (const page of [chair, editor, viewer]) await waitForHeader(page, before)
  assert.equal(await editor.getByTestId("details-form").count(), 0, "an editor sees the details read-only")
  assert.equal(await viewer.getByTestId("details-form").count(), 0, "a viewer sees the details read-only")
  assert.equal(await chair.getByTestId("details-subject").inputValue(), before.subject)

  // Refusals, next to the field, and nothing written.
  await chair.getByTestId("details-subject").fill("x".repeat(501))
  await chair.getByTestId("details-date").fill("")
  await chair.getByTestId("details-save").click()
  assert.match(await chair.getByTestId("details-error-subject").textContent(), /501 characters long; at most 500/)
  assert.match(await chair.getByTestId("details-error-date").textContent(), /Enter the meeting's date/)
  assert.equal(await chair.getByTestId("details-subject").getAttribute("aria-invalid"), "true")
  assert.equal(await chair.getByTestId("details-date").evaluate((input) => input === document.activeElement), false)
  assert.equal(
    await chair.getByTestId("details-subject").evaluate((input) => input === document.activeElement),
    true,
    "the first invalid field has the focus",
  )
  await screenshot(chair, "details-refused")
  assert.deepEqual(await header(editor), before, "nothing reached the others")

  // A new date moves the standard subject and the permalink with it; the description is typed.
  await chair.getByTestId("details-subject").fill("Weekly Meeting: 2031-04-01")
  await chair.getByTestId("details-date").fill("2031-04-08")
  await chair.getByTestId("details-description").fill("")
  await chair.getByTestId("details-description").pressSequentially("8th April 2031: release planning", HUMAN)
  await chair.getByTestId("details-save").click()
  assert.equal(await chair.getByTestId("details-error-subject").isVisible(), false)
  const after = {
    subject: "Weekly Meeting: 2031-04-08",
    date: "2031-04-08",
    description: "8th April 2031: release planning",
  }
  for (const page of [chair, editor, viewer]) await waitForHeader(page, after)
  assert.equal(await chair.getByTestId("details-subject").inputValue(), after.subject)
  assert.match(await viewer.getByTestId("meeting-date").textContent(), /2031/)
  const info = await meetingInfo(meeting)
  assert.equal(info.meta.permalink, "weekly-2031-04-08", "the default permalink followed the date")
  await screenshot(viewer, "details-viewer")

  // A chosen subject stays when only the date changes.
  await chair.getByTestId("details-subject").fill("")
  await chair.getByTestId("details-subject").pressSequentially("Release planning", HUMAN)
  await chair.getByTestId("details-save").click()
  await waitForHeader(editor, { ...after, subject: "Release planning" })

  await chair.getByTestId("close-button").click()
  await chair.getByTestId("confirm-close").click()
  const published = await closedMinutesMarkdown(chair, meeting)
  await waitForFinalText(chair, published)
  assert.match(published, /^updated: 2031-04-08$/m)
  assert.match(published, /^subject: '?Release planning'?$/m)
  // A server that published minutes of that date before (a rerun on the same data) adds -2, -3, …
  assert.match(published, /^permalink: weekly-2031-04-08(-[2-9]|-\d{2,})?$/m)
  assert.match(published, /^description: '?8th April 2031: release planning'?$/m)
  assert.equal(await chair.getByTestId("details-form").count(), 0, "the details are final once closed")
  for (const page of [chair, editor, viewer]) assertNoPageErrors(page)
})
