// Corrections: the chair closes, reopens, an editor corrects a line at human speed, the chair closes
// again, and both people's pages show what the correction changed between the published revisions.

import assert from "node:assert/strict"
import { readFile } from "node:fs/promises"
import { test } from "node:test"
import { assertAccessible } from "./support/accessibility.mjs"
import {
  assertNoPageErrors,
  BASE_URL,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  eventually,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForFinalText,
  waitForState,
} from "./support/harness.mjs"

const BEFORE = "The release is 2.0 on Friday."
const AFTER = "The release is 2.1 on Monday."

async function api(path, token, method = "GET") {
  const response = await fetch(`${BASE_URL}${path}`, { method, headers: { Authorization: `Bearer ${token}` } })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return text
}

/** The chair closes from the page; returns the published file of `revision` once the server has it. */
async function closeFromThePage(chair, meeting, revision) {
  await chair.getByTestId("close-button").click()
  await chair.getByTestId("confirm-close").click()
  return eventually(() => api(`/api/meetings/${meeting.id}/minutes.md?revision=${revision}`, meeting.tokens.viewer), {
    what: `revision ${revision} published`,
  })
}

/** The lines of one diff as a reader sees them: sign, spoken label and text. */
async function diffLines(diff) {
  return diff
    .locator(".diff-line")
    .evaluateAll((lines) =>
      lines.map((line) => [
        line.dataset.kind,
        line.querySelector(".diff-sign").textContent,
        line.querySelector(".visually-hidden").textContent,
        line.querySelector(".diff-text").textContent,
      ]),
    )
}

test("a correction shows on every page as removed and added lines between the two published revisions", {
  timeout: 240_000,
}, async (t) => {
  const meeting = await createMeeting("corrections")
  const browser = await browserFor(t)
  const chair = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const editorContext = await newContext(browser, { colorScheme: "dark" })
  const editor = await openMeeting(editorContext, meeting.links.edit, "Ben Editor")

  await cursorAtEndOfLine(editor, "#### Release ####")
  await editor.keyboard.press("Enter")
  await editor.keyboard.type(BEFORE, { delay: 120 })
  await waitForConvergence([chair, editor], meeting)
  const revisionOne = await closeFromThePage(chair, meeting, 1)
  await waitForFinalText(editor, revisionOne)
  assert.equal(await editor.getByTestId("corrections").isVisible(), false, "no corrections before a reopening")
  assert.equal(await editor.getByTestId("reopen-call").count(), 0, "only the chair is offered to reopen")

  // The chair reopens from the chair's panel, confirming once: both pages reload editable.
  await chair.getByTestId("reopen-call").click()
  assert.match(await chair.locator(".reopen").textContent(), /published minutes stay as they are/)
  await screenshot(chair, "corrections-reopen-confirm-light")
  await assertAccessible(chair, "the reopen confirmation (light)")
  await chair.getByTestId("confirm-reopen").click()
  for (const page of [chair, editor]) {
    await page.getByTestId("being-corrected").waitFor({ timeout: WAIT_MS })
    await page.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
  }
  assert.match(await editor.getByTestId("being-corrected").textContent(), /after revision 1\..*revision 2\./)
  await waitForFinalText(editor, revisionOne)

  // Ben corrects the line at human speed, watching what changed since revision 1.
  await editor.locator("[data-testid=live-changes] summary").click()
  await editor.getByTestId("live-summary").filter({ hasText: "No line changed." }).waitFor()
  await cursorAtEndOfLine(editor, BEFORE)
  for (let i = 0; i < "2.0 on Friday.".length; i++) await editor.keyboard.press("Backspace", { delay: 60 })
  await editor.keyboard.type("2.1 on Monday.", { delay: 120 })
  await waitForState(editor, "saved")
  const live = editor.locator("[data-testid=live-changes] [data-testid=diff]")
  await live.locator(".diff-added", { hasText: AFTER }).waitFor({ timeout: WAIT_MS })
  assert.deepEqual(
    (await diffLines(live)).filter(([kind]) => kind !== "kept"),
    [
      ["removed", "−", "Removed line: ", BEFORE],
      ["added", "+", "Added line: ", AFTER],
    ],
  )
  await screenshot(editor, "corrections-being-corrected-dark")
  await waitForConvergence([chair, editor], meeting)

  const revisionTwo = await closeFromThePage(chair, meeting, 2)
  assert.equal(revisionTwo, revisionOne.replace(BEFORE, AFTER))
  for (const page of [chair, editor]) {
    const correction = page.locator("[data-testid=correction-list] [data-revision='2']")
    await correction.waitFor({ timeout: WAIT_MS })
    await waitForFinalText(page, revisionTwo)
    assert.equal(await page.getByTestId("being-corrected").isVisible(), false, "no longer being corrected")
    assert.match(
      await correction.locator(".correction-summary").textContent(),
      /^Closed by Ada Chair on .+\. Against revision 1: 1 line added, 1 removed\.$/,
    )
    const diff = correction.getByTestId("diff")
    assert.equal(await diff.getAttribute("aria-label"), "Changes from revision 1 to revision 2")
    assert.deepEqual(
      (await diffLines(diff)).filter(([kind]) => kind !== "kept"),
      [
        ["removed", "−", "Removed line: ", BEFORE],
        ["added", "+", "Added line: ", AFTER],
      ],
    )
  }

  // The published file of revision 1 downloads as the server published it.
  const [download] = await Promise.all([
    chair.waitForEvent("download"),
    chair.getByTestId("download-revision-1").click(),
  ])
  assert.match(download.suggestedFilename(), /\.revision-1\.md$/)
  assert.equal(await readFile(await download.path(), "utf8"), revisionOne)

  await chair.getByTestId("corrections").scrollIntoViewIfNeeded()
  await screenshot(chair, "corrections-light")
  await screenshot(editor, "corrections-dark")
  await assertAccessible(chair, "the corrections (light)")
  await assertAccessible(editor, "the corrections (dark)")
  await editor.setViewportSize({ width: 390, height: 844 })
  await editor.getByTestId("corrections").scrollIntoViewIfNeeded()
  await screenshot(editor, "corrections-dark-390")
  const overflow = await editor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `nothing wider than a 390 px screen (overflow ${overflow} px)`)

  for (const page of [chair, editor]) assertNoPageErrors(page)
})
