import assert from "node:assert/strict"
import { test } from "node:test"
import {
  ALPHA_A,
  assertNothingLost,
  bodyOf,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  indicator,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  typedText,
  waitForConvergence,
  waitForPendingOffline,
  waitForState,
} from "./support/harness.mjs"

test("reloading a page while its edits are still pending loses nothing", { timeout: 180_000 }, async (t) => {
  const meeting = await createMeeting("reload with pending edits")
  const browser = await browserFor(t)
  const context = await newContext(browser)

  // The sync socket goes through a switch: while the server is "unreachable" the page's socket
  // opens but nobody answers, so its edits stay pending however often it reloads.
  let serverReachable = true
  const heldSockets = new Set()
  await context.routeWebSocket(/\/sync/, (socket) => {
    if (serverReachable) socket.connectToServer()
    else heldSockets.add(socket)
  })

  const page = await openMeeting(context, meeting.links.edit, "Ben Editor")
  const initial = await waitForConvergence([page], meeting)

  await cursorAtEndOfLine(page, "#### Release ####")
  serverReachable = false
  await context.setOffline(true)
  await waitForState(page, "offline")
  const typed = [typedText(ALPHA_A, 60, 7), typedText(ALPHA_A, 60, 8)]
  for (const chunk of typed) await page.keyboard.type(chunk)
  const pendingBefore = await waitForPendingOffline(page)

  await context.setOffline(false)
  await page.reload()
  await page.locator("[data-testid=editor] .cm-content").waitFor()
  const pendingAfter = await waitForPendingOffline(page)
  // The reloaded page is a new Automerge actor and records its name in the document's people map:
  // one change of its own on top of the pending edits.
  assert.ok(
    pendingAfter === pendingBefore || pendingAfter === pendingBefore + 1,
    `after the reload the same edits are pending (${pendingBefore} before, ${pendingAfter} after)`,
  )
  const reloaded = await editorText(page)
  assertNothingLost(initial, reloaded, typed, ALPHA_A)
  assert.equal(bodyOf(await minutesMarkdown(meeting)), initial, "the server has none of the pending edits yet")
  await screenshot(page, "reload-pending")

  serverReachable = true
  for (const socket of heldSockets) await socket.close()
  const final = await waitForConvergence([page], meeting, 60_000)
  assert.equal(final, reloaded)
  assert.equal((await indicator(page)).text, "saved")
  await screenshot(page, "reload-saved")
})
