import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  bodyOf,
  browserFor,
  closedMinutesMarkdown,
  closeMeeting,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  meetingInfo,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForFinalText,
  waitForState,
} from "./support/harness.mjs"

async function assertReadOnly(page) {
  await page.locator("[data-testid=readonly-badge]").waitFor({ state: "visible", timeout: WAIT_MS })
  await waitForState(page, "closed")
  assert.equal(await page.locator("[data-testid=editor] .cm-content").getAttribute("contenteditable"), "false")
  const before = await editorText(page)
  await page.locator("[data-testid=editor] .cm-content").click()
  await page.keyboard.type("should not appear")
  await page.keyboard.press("Enter")
  assert.equal(await editorText(page), before, "typing changes nothing after close")
}

/** The indicator is on screen: in the top bar, or floating in the corner once the bar is away. */
async function indicatorInView(page) {
  // One frame for the top bar's intersection to be noticed after a scroll.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  return page.evaluate(() => {
    const box = document.querySelector("[data-testid=status-indicator]").getBoundingClientRect()
    return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0
  })
}

test("when the chair closes the meeting, every page turns read-only and shows the published text", {
  timeout: 180_000,
}, async (t) => {
  // Thomas chairs on paper; Ada holds the chair link today, and the minutes say she closed them.
  const meeting = await createMeeting("chair closes", { chair: "Thomas", attendees: ["Ada Chair", "Ben Editor"] })
  const browser = await browserFor(t)
  const chair = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const editor = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  await waitForConvergence([chair, editor], meeting)

  await cursorAtEndOfLine(editor, "#### Release ####")
  await editor.keyboard.press("Enter")
  await editor.keyboard.type("- [ ] Ben: tag the release")
  await cursorAtEndOfLine(chair, "#### Intro ####")
  await chair.keyboard.press("Enter")
  await chair.keyboard.type("Everyone introduced themselves.")
  const text = await waitForConvergence([chair, editor], meeting)
  await editor.locator("[data-testid=action-items] [data-owner=Ben]").waitFor()

  // What each page asks the server for after the close.
  const asked = new Map([chair, editor].map((page) => [page, { finalFile: 0 }]))
  for (const [page, counts] of asked) {
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname
      if (path.endsWith("/minutes.md")) counts.finalFile += 1
    })
  }
  // A second tab of the chair's has the dialog open when the first closes; Ben writes far down on
  // a phone, where the top bar has scrolled away.
  const otherTab = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  await otherTab.getByTestId("close-button").click()
  await otherTab.getByTestId("confirm-close").waitFor()
  const wide = editor.viewportSize()
  await editor.setViewportSize({ width: 390, height: 844 })
  await editor.evaluate(() => window.scrollTo(0, document.body.scrollHeight))

  await chair.getByTestId("close-button").click()
  await chair.getByTestId("confirm-close").click()
  const closedAt = Date.now()
  // The close button is gone: the keyboard is on the final minutes' heading, not lost at the top.
  await chair.waitForFunction(() => document.activeElement?.id === "final-title", null, { timeout: WAIT_MS })
  await Promise.all([assertReadOnly(chair), assertReadOnly(editor)])
  console.log(`both pages read-only ${Date.now() - closedAt} ms after the close was confirmed`)
  assert.ok(await indicatorInView(editor), "Ben, scrolled down on his phone, sees 'closed' in the corner")
  for (const page of [chair, editor]) {
    assert.equal(await page.locator(".cm-remote-caret").count(), 0, "no carets on the frozen minutes")
  }
  await screenshot(editor, "close-editor-phone-scrolled")
  await editor.setViewportSize(wide)
  await otherTab.waitForFunction(() => !document.querySelector("dialog[open]"), null, { timeout: WAIT_MS })
  await otherTab.waitForFunction(() => document.activeElement?.id === "final-title", null, { timeout: WAIT_MS })

  const published = await closedMinutesMarkdown(chair, meeting)
  assert.equal(bodyOf(published), text, "the final minutes are the text written before the close")
  for (const page of [chair, editor]) {
    await waitForFinalText(page, published)
    assert.equal(await editorText(page), bodyOf(published), "the editor shows the final body")
    await page.locator("[data-testid=publish-status] [data-state=delivered]").first().waitFor({ timeout: 60_000 })
  }
  // Once the published revision and the delivery are known, the pages stop asking (they asked
  // every second or two until then); each fetched the final file once.
  for (const [page, counts] of asked) {
    await page.locator("[data-testid=final-panel][data-watch=ended]").waitFor({ state: "attached", timeout: WAIT_MS })
    assert.equal(
      counts.finalFile,
      1,
      `${page === chair ? "the chair's" : "the editor's"} page fetched the final file once`,
    )
  }
  const info = await meetingInfo(meeting)
  assert.equal(info.status, "closed")
  assert.equal(info.closed.by, "Ada Chair", "the person who closed, as they named themselves")
  assert.match(await editor.textContent("[data-testid=final-panel]"), /Closed by Ada Chair on /)
  assert.ok(
    info.publish.some((target) => target.state === "delivered"),
    "a publish target delivered the minutes",
  )

  // A page opened after the close is read-only from the start and shows the same final text.
  const late = await openMeeting(await newContext(browser), meeting.links.edit, "Dee Late")
  await assertReadOnly(late)
  await late.setViewportSize({ width: 390, height: 844 })
  await late.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
  assert.equal(await indicatorInView(late), false, "a closed meeting opened to read has no floating badge")
  await late.setViewportSize(wide)
  await waitForFinalText(late, published)
  assert.equal(await editorText(late), bodyOf(published))

  for (const page of [chair, editor, late]) {
    assert.equal(
      await page.getByTestId("error-banner").isVisible(),
      false,
      "no page tried to change the closed minutes",
    )
  }
  await screenshot(chair, "close-chair")
  await screenshot(editor, "close-editor")
  assertNoPageErrors(chair)
  assertNoPageErrors(editor)
})

test("words that reach the meeting after the close are not in the final minutes, and the page says which", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("late words")
  const browser = await browserFor(t)
  const benContext = await newContext(browser)
  const ben = await openMeeting(benContext, meeting.links.edit, "Ben Editor")
  await cursorAtEndOfLine(ben, "#### Release ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("We ship on Friday.", { delay: 40 })
  await waitForState(ben, "saved")

  // Ben's connection drops while he goes on; the chair closes the meeting meanwhile.
  await benContext.setOffline(true)
  await ben.keyboard.type(" Then we celebrate.", { delay: 40 })
  await closeMeeting(meeting)
  await benContext.setOffline(false)

  await waitForState(ben, "closed", 60_000)
  const late = ben.getByTestId("late-edits-text")
  await late.waitFor({ timeout: WAIT_MS })
  assert.equal(await late.textContent(), "Then we celebrate.")
  const published = await closedMinutesMarkdown(ben, meeting)
  assert.ok(bodyOf(published).includes("We ship on Friday.\n"), "the words saved before the close are final")
  assert.ok(!published.includes("celebrate"), "the late words are not")
  await waitForFinalText(ben, published)
  assert.equal(await editorText(ben), bodyOf(published))
  await ben.getByTestId("late-edits").scrollIntoViewIfNeeded()
  await screenshot(ben, "close-late-words", { fullPage: false })
  assertNoPageErrors(ben, { allowNetwork: true })
})
