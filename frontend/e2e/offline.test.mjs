import assert from "node:assert/strict"
import { test } from "node:test"
import {
  ALPHA_A,
  ALPHA_B,
  assertNoPageErrors,
  assertNothingLost,
  browserFor,
  countsOf,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  indicator,
  newContext,
  openMeeting,
  recordedStates,
  recordStates,
  screenshot,
  typedText,
  WAIT_MS,
  waitForConvergence,
  waitForPendingOffline,
  waitForState,
} from "./support/harness.mjs"

test("a page that goes offline keeps its edits, the other keeps typing, and both converge when it is back", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("offline spell")
  const browser = await browserFor(t)
  const contextA = await newContext(browser)
  const pageA = await openMeeting(contextA, meeting.links.edit, "Ben Editor")
  const pageB = await openMeeting(await newContext(browser), meeting.links.edit, "Cy Editor")
  const initial = await waitForConvergence([pageA, pageB], meeting)

  await cursorAtEndOfLine(pageA, "#### Intro ####")
  await cursorAtEndOfLine(pageB, "#### Testing ####")
  await recordStates(pageA)

  await contextA.setOffline(true)
  await waitForState(pageA, "offline")
  // Who is here is what it was when the connection dropped, and the panel says so.
  await pageA.getByTestId("presence-stale").waitFor({ state: "visible" })

  const typed = []
  for (let round = 0; round < 6; round += 1) {
    const a = typedText(ALPHA_A, 20, 100 + round)
    const b = typedText(ALPHA_B, 20, 200 + round)
    typed.push(a, b)
    await Promise.all([pageA.keyboard.type(a), pageB.keyboard.type(b)])
  }
  const pending = await waitForPendingOffline(pageA)
  assert.ok(pending > 0, "the offline page counts its pending edits")
  // Long past presence's 7.5 s: Cy's messages stopped coming, which is no news about Cy.
  await pageA.waitForTimeout(8_000)
  assert.equal(
    await pageA.locator('[data-testid=presence-list] [data-name="Cy Editor"]').count(),
    1,
    "Cy is still listed, as the panel says",
  )
  await waitForState(pageB, "saved")
  await screenshot(pageA, "offline-while-offline")
  // Written far down on a phone, the top bar is gone: "offline" stays in sight in the corner.
  const wide = pageA.viewportSize()
  await pageA.setViewportSize({ width: 390, height: 844 })
  await pageA.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
  await pageA.waitForFunction(() => {
    const box = document.querySelector("[data-testid=status-indicator]").getBoundingClientRect()
    return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0
  })
  await screenshot(pageA, "offline-scrolled-phone")
  await pageA.setViewportSize(wide)

  // Really offline: nothing of B's arrived at A, and none of A's reached the server.
  const offlineText = await editorText(pageA)
  for (const c of ALPHA_B)
    assert.equal(countsOf(offlineText, c)[c], countsOf(initial, c)[c], `no "${c}" from B reached A`)

  await contextA.setOffline(false)
  const final = await waitForConvergence([pageA, pageB], meeting, 60_000)
  assert.equal(await pageA.getByTestId("presence-stale").isVisible(), false, "live again once connected")
  assertNothingLost(initial, final, typed, ALPHA_A + ALPHA_B)

  const states = await recordedStates(pageA)
  const offlineAt = states.indexOf("offline")
  const savingAt = states.indexOf("saving", offlineAt)
  const savedAt = states.indexOf("saved", savingAt)
  assert.ok(
    offlineAt >= 0 && savingAt > offlineAt && savedAt > savingAt,
    `indicator went offline → saving → saved (${states.join(" → ")})`,
  )
  await screenshot(pageA, "offline-back-online")
})

test("after one visit the page opens offline from its service worker and IndexedDB, and its edits reach the others", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("offline start")
  const browser = await browserFor(t)
  const contextA = await newContext(browser)
  const pageA = await openMeeting(contextA, meeting.links.edit, "Ben Editor")
  const pageB = await openMeeting(await newContext(browser), meeting.links.edit, "Cy Editor")
  const initial = await waitForConvergence([pageA, pageB], meeting)
  // The first visit installed the service worker, which now serves this page.
  await pageA.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 })

  await contextA.setOffline(true)
  await waitForState(pageA, "offline")
  await pageA.reload()
  await pageA.locator("[data-testid=editor] .cm-content").waitFor()
  assert.equal(await editorText(pageA), initial, "the meeting opens offline with its text")
  assert.equal((await indicator(pageA)).state, "offline")
  assert.match(await pageA.getByTestId("error-banner").textContent(), /cannot be reached/)
  assert.equal(await pageA.getByTestId("meeting-subject").textContent(), "E2E offline start")
  await screenshot(pageA, "offline-reloaded")

  await cursorAtEndOfLine(pageA, "#### Intro ####")
  await pageA.keyboard.press("Enter")
  await pageA.keyboard.type("Written while offline.", { delay: 120 })
  assert.ok((await waitForPendingOffline(pageA)) > 0, "the offline edits wait in this browser")
  assert.ok(!(await editorText(pageB)).includes("Written while offline."), "nothing reached the other page yet")

  await contextA.setOffline(false)
  const final = await waitForConvergence([pageA, pageB], meeting, 60_000)
  assert.equal(await pageA.getByTestId("presence-stale").isVisible(), false, "live again once connected")
  assert.ok(final.includes("#### Intro ####\nWritten while offline.\n"), "the other page got the offline edits")
  await pageA.getByTestId("error-banner").waitFor({ state: "hidden", timeout: WAIT_MS })
  assertNoPageErrors(pageA, { allowNetwork: true })
  assertNoPageErrors(pageB)
})
