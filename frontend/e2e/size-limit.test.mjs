import assert from "node:assert/strict"
import { test } from "node:test"
import {
  browserFor,
  createMeeting,
  cursorAtEndOfDocument,
  editorText,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForEditorText,
  waitForState,
} from "./support/harness.mjs"

/** Past the server's default limit of 200,000 characters (docs/contract.md §4). */
const PASTE = `${"pasted words ".repeat(16_000)}END-OF-PASTE`

test("a paste past the meeting's size limit is refused: its author is told and can go on from the saved minutes", {
  timeout: 240_000,
}, async (t) => {
  const meeting = await createMeeting("size limit")
  const browser = await browserFor(t)
  const paster = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const other = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  await Promise.all([waitForState(paster, "saved"), waitForState(other, "saved")])

  await cursorAtEndOfDocument(paster)
  await paster.keyboard.type("Saved before the paste.", { delay: 20 })
  await waitForState(paster, "saved")
  await paster.keyboard.insertText(PASTE)

  const banner = paster.locator("[data-testid=error-banner]")
  await banner.getByText("the minutes would be too long").waitFor({ timeout: WAIT_MS })
  assert.match(await banner.textContent(), /at most 200,000 characters/)
  await paster.evaluate(() => window.scrollTo(0, 0))
  await screenshot(paster, "size-limit-refused", { fullPage: false })

  // The others never see it; the server never stored it.
  await waitForEditorText(other, "Saved before the paste.")
  assert.ok(!(await editorText(other)).includes("END-OF-PASTE"))
  assert.ok(!(await minutesMarkdown(meeting)).includes("END-OF-PASTE"))

  await Promise.all([
    paster.waitForEvent("load", { timeout: WAIT_MS }),
    banner.getByRole("button", { name: "Drop my unsaved edits" }).click(),
  ])
  await paster.locator("[data-testid=editor] .cm-content").waitFor({ timeout: WAIT_MS })
  await waitForEditorText(paster, "Saved before the paste.")
  assert.ok(!(await editorText(paster)).includes("END-OF-PASTE"), "the refused paste is gone from the author's page")

  await cursorAtEndOfDocument(paster)
  await paster.keyboard.type(" And after it.", { delay: 20 })
  await waitForState(paster, "saved")
  await waitForEditorText(other, "Saved before the paste. And after it.")
  await screenshot(paster, "size-limit-recovered")
})
