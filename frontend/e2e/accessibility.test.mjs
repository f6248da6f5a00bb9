import { test } from "node:test"
import { assertAccessible } from "./support/accessibility.mjs"
import {
  BASE_URL,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForState,
} from "./support/harness.mjs"

const SCHEMES = ["light", "dark"]
const PHONE = { width: 390, height: 844 }

/**
 * Checks the page in this state in both themes and both layouts, and keeps a screenshot of each.
 * axe runs twice, light and wide, dark at 390 px (a phone's layout): colours do not depend on the
 * width, nor the layout on the theme, so the two runs see both palettes and both layouts.
 */
async function checkAndShoot(page, name) {
  const wide = page.viewportSize()
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme })
    if (scheme === "light") await assertAccessible(page, `${name} (light)`)
    await screenshot(page, `a11y-${name}-${scheme}`)
    await page.setViewportSize(PHONE)
    if (scheme === "dark") await assertAccessible(page, `${name} (dark, 390 px)`)
    await screenshot(page, `a11y-${name}-${scheme}-390`)
    await page.setViewportSize(wide)
  }
  await page.emulateMedia({ colorScheme: "light" })
}

test("the start page, a meeting and a closed meeting are accessible in the light and the dark theme", {
  timeout: 240_000,
}, async (t) => {
  const meeting = await createMeeting("accessibility")
  const browser = await browserFor(t)

  const start = await (await newContext(browser)).newPage()
  await start.goto(`${BASE_URL}/`)
  await start.getByTestId("create-submit").waitFor({ timeout: WAIT_MS })
  await checkAndShoot(start, "start")

  await start.goto(`${BASE_URL}/m/${meeting.id}#token=not-a-real-token`)
  await start.getByTestId("problem-page").waitFor({ timeout: WAIT_MS })
  await checkAndShoot(start, "bad-link")

  const chair = await openMeeting(await newContext(browser), meeting.links.chair, "Ada")
  const editor = await openMeeting(await newContext(browser), meeting.links.edit, "Ben")
  await chair.getByTestId("view-split").check()
  await cursorAtEndOfLine(editor, "#### Release ####")
  await editor.keyboard.press("Enter")
  await editor.keyboard.type("- [ ] Ben: tag the **release**, see [the plan](https://example.org/plan)")
  await waitForConvergence([chair, editor], meeting)
  await chair.locator("[data-testid=preview] strong", { hasText: "release" }).waitFor({ timeout: WAIT_MS })
  await chair.locator("[data-testid=action-items] [data-owner=Ben]").waitFor({ timeout: WAIT_MS })
  await checkAndShoot(chair, "meeting-chair")
  await checkAndShoot(editor, "meeting-editor")

  // The list of owners an action item offers (CodeMirror's tooltip, in the page's colours).
  await cursorAtEndOfLine(editor, "#### Testing ####")
  await editor.keyboard.press("Enter")
  await editor.keyboard.press("Control+Shift+Enter")
  await editor.locator(".cm-tooltip-autocomplete").waitFor({ timeout: WAIT_MS })
  await checkAndShoot(editor, "owners-list")
  await editor.keyboard.press("Escape")

  await chair.getByTestId("close-button").click()
  await chair.getByTestId("confirm-close").waitFor()
  await checkAndShoot(chair, "close-dialog")
  await chair.getByTestId("confirm-close").click()
  await waitForState(chair, "closed")
  await chair.locator("[data-testid=publish-status] [data-state=delivered]").first().waitFor({ timeout: 60_000 })
  await chair.getByTestId("download-final").waitFor()
  await chair.waitForFunction(() => !document.querySelector("[data-testid=download-final]")?.disabled)
  await checkAndShoot(chair, "closed")
})
