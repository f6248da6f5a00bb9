import assert from "node:assert/strict"
import { readFile } from "node:fs/promises"
import { test } from "node:test"
import {
  assertNoPageErrors,
  BASE_URL,
  bodyOf,
  browserFor,
  closedMinutesMarkdown,
  closeMeeting,
  createMeeting,
  cursorAtEndOfLine,
  meetingInfo,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForFinalText,
} from "./support/harness.mjs"

const HUMAN = { delay: 120 }

/**
 * Chromium reports an inline event handler in HTML parsed for the sanitizer (DOMParser documents
 * share the page's CSP) as a refused handler: that is the CSP at work on the typed `onerror`, not a
 * page error. Everything else still counts.
 */
function forgiveCspRefusals(page) {
  page.minutesProblems = page.minutesProblems.filter(
    (problem) => !/^Executing inline event handler violates .*Content Security Policy/.test(problem),
  )
}

/** The text of every element matching `selector` inside the preview. */
async function previewTexts(page, selector) {
  return page.locator(`[data-testid=preview] ${selector}`).allTextContents()
}

test("the preview shows the minutes as they will be published, follows live edits and stays chosen", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("rendered preview")
  const browser = await browserFor(t)
  const writer = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const reader = await openMeeting(await newContext(browser), meeting.links.view, "Cy Viewer")
  let dialogs = 0
  reader.on("dialog", (dialog) => {
    dialogs += 1
    void dialog.dismiss()
  })
  await waitForConvergence([writer, reader], meeting)

  assert.equal(await reader.getByTestId("preview").isVisible(), false, "the editor alone shows at first")
  await reader.getByTestId("view-preview").check()
  await reader.getByTestId("preview").waitFor({ state: "visible" })
  assert.equal(await reader.locator("[data-testid=editor] .cm-content").isVisible(), false, "preview alone")
  assert.deepEqual(await previewTexts(reader, "h3"), ["Agenda", "Notes"])
  assert.deepEqual(await previewTexts(reader, "h4"), ["Intro", "Release", "Testing", "AoB"])

  await writer.getByTestId("view-split").check()
  await cursorAtEndOfLine(writer, "#### Testing ####")
  await writer.keyboard.press("Enter")
  await writer.keyboard.press("Enter")
  await writer.keyboard.type("#### Decisions ####", HUMAN)
  await writer.keyboard.press("Enter")
  await writer.keyboard.press("Enter")
  await writer.keyboard.type("See [the plan](https://example.org/plan) and <img src=x onerror=alert(1)>.", HUMAN)

  // Both the writer's own preview and the reader's follow the typing.
  for (const page of [writer, reader]) {
    await page.locator("[data-testid=preview] h4", { hasText: "Decisions" }).waitFor({ timeout: WAIT_MS })
    await page.locator('[data-testid=preview] a[href="https://example.org/plan"]').waitFor({ timeout: WAIT_MS })
  }
  const link = reader.locator('[data-testid=preview] a[href="https://example.org/plan"]')
  assert.equal(await link.getAttribute("target"), "_blank")
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer")
  await reader.waitForFunction(() => document.querySelector("[data-testid=preview]")?.textContent?.includes("and ."))
  assert.equal(await reader.locator("[data-testid=preview] [onerror]").count(), 0, "no event handler survives")
  assert.equal(dialogs, 0, "no script ran")
  await screenshot(writer, "preview-split-writer")
  await screenshot(reader, "preview-reader")

  // The choice is this browser's: it survives a reload, and the other browser kept its own.
  await reader.reload()
  await reader.locator("[data-testid=preview] h4", { hasText: "Decisions" }).waitFor({ timeout: WAIT_MS })
  assert.equal(await reader.getByTestId("view-preview").isChecked(), true)
  assert.equal(await writer.getByTestId("view-split").isChecked(), true)
  for (const page of [writer, reader]) {
    forgiveCspRefusals(page)
    assertNoPageErrors(page)
  }
})

test("after close the final minutes show rendered, with Copy and Download of the Markdown and the file's name", {
  timeout: 180_000,
}, async (t) => {
  // Another meeting already published this date, so this one is published as <date>-2.md.
  const date = "2031-04-17"
  await closeMeeting(await createMeeting("rendered final, the date's first meeting", { date }))
  const meeting = await createMeeting("rendered final", { date })
  const browser = await browserFor(t)
  const context = await newContext(browser, { acceptDownloads: true })
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL })
  const chair = await openMeeting(context, meeting.links.chair, "Ada Chair")
  await cursorAtEndOfLine(chair, "#### Release ####")
  await chair.keyboard.press("Enter")
  await chair.keyboard.type("- [ ] Ben: tag **1.0**", HUMAN)
  await waitForConvergence([chair], meeting)

  await chair.getByTestId("close-button").click()
  await chair.getByTestId("confirm-close").click()
  const published = await closedMinutesMarkdown(chair, meeting)
  await waitForFinalText(chair, published)
  assert.equal(await chair.getByTestId("preview").isVisible(), true, "the final minutes show rendered")
  assert.equal(await chair.getByTestId("view-split").isChecked(), true)
  await chair.locator("[data-testid=preview] li strong", { hasText: "1.0" }).waitFor({ timeout: WAIT_MS })
  assert.ok(bodyOf(published).includes("- [ ] Ben: tag **1.0**"))

  await chair.getByTestId("copy-final").click()
  await chair.getByTestId("copy-final").filter({ hasText: "Copied" }).waitFor()
  assert.equal(await chair.evaluate(() => navigator.clipboard.readText()), published, "Copy gives the Markdown file")

  // Where it was published: a file name, never a path on the server.
  const where = chair.locator("[data-testid=publish-status] [data-target=folder] [data-testid=published-link]")
  await where.waitFor({ timeout: 60_000 })
  const folder = (await meetingInfo(meeting)).publish.find((job) => job.target === "folder")
  assert.match(folder.path, new RegExp(`^${date}-\\d+\\.md$`), "the date was taken")
  assert.equal(await where.textContent(), folder.path)

  // Download saves it under that name: under the bare date, a <date>-2.md would replace the other
  // meeting's minutes wherever it is uploaded by hand.
  const [download] = await Promise.all([chair.waitForEvent("download"), chair.getByTestId("download-final").click()])
  assert.equal(download.suggestedFilename(), folder.path)
  assert.equal(await readFile(await download.path(), "utf8"), published, "Download saves the Markdown file")
  await screenshot(chair, "final-rendered")
  assertNoPageErrors(chair)
})
