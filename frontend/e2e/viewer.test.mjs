import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  bodyOf,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
} from "./support/harness.mjs"

test("a viewer's page is read-only from the start and follows the others' edits", { timeout: 120_000 }, async (t) => {
  const meeting = await createMeeting("viewer")
  const browser = await browserFor(t)
  const viewer = await openMeeting(await newContext(browser), meeting.links.view, "Cy Viewer")
  const editor = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const initial = await waitForConvergence([viewer, editor], meeting)

  await viewer.locator("[data-testid=readonly-badge]").waitFor({ state: "visible", timeout: WAIT_MS })
  assert.equal(await viewer.locator("[data-testid=editor] .cm-content").getAttribute("contenteditable"), "false")
  assert.equal(await viewer.getByTestId("close-button").count(), 0, "a viewer has no close control")
  await viewer.locator("[data-testid=editor] .cm-content").click()
  await viewer.keyboard.type("viewer was here")
  await viewer.keyboard.press("Enter")
  await viewer.keyboard.press("Backspace")
  assert.equal(await editorText(viewer), initial, "typing on the viewer's page changes nothing")

  await cursorAtEndOfLine(editor, "#### Testing ####")
  await editor.keyboard.type(" (live)")
  const after = await waitForConvergence([viewer, editor], meeting)
  assert.ok(after.includes("#### Testing #### (live)"), "the viewer sees the editor's text")
  assert.ok(!after.includes("viewer was here"))
  assert.equal(bodyOf(await minutesMarkdown(meeting)), after)

  // Had the page sent a change, the server's refusal would have put a banner up by now.
  assert.equal(
    await viewer.getByTestId("error-banner").isVisible(),
    false,
    "the viewer's page never tried to change the text",
  )
  await screenshot(viewer, "viewer")
  // The text is read-only: "Skip to the minutes" takes the keyboard to the main region instead,
  // and leaves the token in the address.
  await viewer.locator(".skip-link").focus()
  await viewer.keyboard.press("Enter")
  assert.equal(await viewer.evaluate(() => document.activeElement?.id), "main")
  assert.match(new URL(viewer.url()).hash, /token=/)
  assertNoPageErrors(viewer)
})
