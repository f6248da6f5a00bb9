import assert from "node:assert/strict"
import { test } from "node:test"
import {
  ALPHA_A,
  ALPHA_B,
  assertNoPageErrors,
  assertNothingLost,
  browserFor,
  createMeeting,
  cursorAtEndOfDocument,
  cursorAtEndOfLine,
  newContext,
  openMeeting,
  screenshot,
  typedText,
  waitForConvergence,
  waitForState,
} from "./support/harness.mjs"

const ROUNDS = 10
const CHUNK = 20

/** Both pages type their chunks at the same time, round after round. */
async function typeInterleaved(pageA, pageB, seed) {
  const typedA = []
  const typedB = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = typedText(ALPHA_A, CHUNK, seed + round)
    const b = typedText(ALPHA_B, CHUNK, seed * 7 + round)
    typedA.push(a)
    typedB.push(b)
    await Promise.all([pageA.keyboard.type(a), pageB.keyboard.type(b)])
  }
  return [...typedA, ...typedB]
}

test("two pages typing at once into one meeting end with identical text, equal to the server's minutes", {
  timeout: 240_000,
}, async (t) => {
  const meeting = await createMeeting("concurrent typing")
  const browser = await browserFor(t)
  const pageA = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const pageB = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  await Promise.all([waitForState(pageA, "saved"), waitForState(pageB, "saved")])
  const initial = await waitForConvergence([pageA, pageB], meeting)
  // Who is here: each page lists the other person (presence over ephemeral messages).
  await pageA.locator('[data-testid=presence-list] [data-name="Ada Chair"]').waitFor({ timeout: 30_000 })
  await pageB.locator('[data-testid=presence-list] [data-name="Ben Editor"]').waitFor({ timeout: 30_000 })

  // Different spots: each person writes under another agenda item.
  await cursorAtEndOfLine(pageA, "#### Intro ####")
  await cursorAtEndOfLine(pageB, "#### Release ####")
  await Promise.all([pageA.keyboard.press("Enter"), pageB.keyboard.press("Enter")])
  const typedApart = await typeInterleaved(pageA, pageB, 11)
  const afterApart = await waitForConvergence([pageA, pageB], meeting, 60_000)
  assertNothingLost(initial, afterApart, ["\n\n", ...typedApart], `${ALPHA_A + ALPHA_B}\n`)

  // The same spot: both at the very end of the text.
  await Promise.all([cursorAtEndOfDocument(pageA), cursorAtEndOfDocument(pageB)])
  const typedTogether = await typeInterleaved(pageA, pageB, 23)
  const final = await waitForConvergence([pageA, pageB], meeting, 60_000)
  assertNothingLost(afterApart, final, typedTogether, ALPHA_A + ALPHA_B)

  assert.ok(final.includes("#### Intro ####") && final.includes("#### AoB ####"), "the agenda sections survived")
  await screenshot(pageA, "concurrent-typing-a")
  await screenshot(pageB, "concurrent-typing-b")
  assertNoPageErrors(pageA)
  assertNoPageErrors(pageB)
})
