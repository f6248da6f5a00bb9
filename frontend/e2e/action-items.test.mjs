import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  bodyOf,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  eventually,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForEditorText,
} from "./support/harness.mjs"

/** The action items a page lists: form, owner, done. */
async function listedItems(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("[data-testid=action-items] li")].map((item) => ({
      form: item.dataset.form,
      owner: item.dataset.owner,
      done: item.hasAttribute("data-done"), // h() writes true as an empty attribute
      text: item.querySelector(".action-text")?.textContent ?? "",
    })),
  )
}

/** A new meeting titled `title` with Ada (chair) and Ben (editor) on it, their pages in step. */
async function adaAndBen(t, title) {
  const meeting = await createMeeting(title)
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const ben = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  await waitForConvergence([ada, ben], meeting)
  return { meeting, ada, ben }
}

/** Asserts that the editor text contains `part`, showing the text if not. */
async function assertContains(page, part, what) {
  const text = await editorText(page)
  assert.ok(text.includes(part), `${what}: ${JSON.stringify(text)}`)
}

/** Picks `name` in the editor's list of owners (opened by the add command). */
async function pickOwner(page, name) {
  const option = page.locator(".cm-tooltip-autocomplete li", { hasText: name })
  await option.waitFor({ timeout: WAIT_MS })
  await option.click()
}

test("Enter on an empty checklist item ends the list; the add command starts an item with an attendee as owner", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("action items")
  const browser = await browserFor(t)
  const ben = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")

  // Typing a checklist: Enter continues it, Enter on the new empty item ends it.
  await cursorAtEndOfLine(ben, "#### Intro ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben Editor: write the tests", { delay: 30 })
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("Cy Viewer: read them", { delay: 30 })
  await ben.keyboard.press("Enter")
  // Writing the item as the panel shows it, box and all, in the item Enter started: one box.
  await ben.keyboard.type("- [ ] Ada Chair: merge them", { delay: 30 })
  await ben.keyboard.press("Enter")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("Back to the notes.", { delay: 30 })
  await waitForEditorText(ben, "Back to the notes.")
  await assertContains(
    ben,
    "#### Intro ####\n- [ ] Ben Editor: write the tests\n- [ ] Cy Viewer: read them\n- [ ] Ada Chair: merge them\n\nBack to the notes.\n",
    "the list ended after three items, a blank line, then the notes",
  )

  // The panel's button: a new item on the next line, the owner picked from the attendees.
  await cursorAtEndOfLine(ben, "#### Release ####")
  await ben.locator("[data-testid=action-add]").click()
  await pickOwner(ben, "Ada Chair")
  await ben.keyboard.type("tag the release", { delay: 30 })
  // The shortcut: the same, from the keyboard; typing filters the owners, Enter picks.
  await ben.keyboard.press("Control+Shift+Enter")
  await ben.locator(".cm-tooltip-autocomplete").waitFor({ timeout: WAIT_MS })
  await ben.keyboard.type("Cy")
  await ben
    .locator(".cm-tooltip-autocomplete li[aria-selected]", { hasText: "Cy Viewer" })
    .waitFor({ timeout: WAIT_MS })
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("announce it", { delay: 30 })
  await waitForEditorText(ben, "announce it")
  await assertContains(
    ben,
    "#### Release ####\n- [ ] Ada Chair: tag the release\n- [ ] Cy Viewer: announce it\n",
    "two items with owners under Release",
  )

  const text = await waitForConvergence([ben], meeting)
  await eventually(
    async () =>
      assert.deepEqual(
        (await listedItems(ben)).map(({ owner, text: what }) => `${owner}|${what}`),
        [
          "Ben Editor|Ben Editor write the tests",
          "Cy Viewer|Cy Viewer read them",
          "Ada Chair|Ada Chair merge them",
          "Ada Chair|Ada Chair tag the release",
          "Cy Viewer|Cy Viewer announce it",
        ],
      ),
    { what: "the five items listed with their owners" },
  )
  assert.equal(bodyOf(await minutesMarkdown(meeting)), text)
  await screenshot(ben, "action-items-added")
  assertNoPageErrors(ben)
})

test("lines written by habit are listed as action items and become checklist items in one click", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("habitual action items")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const ben = await openMeeting(
    await newContext(browser, { colorScheme: "dark", viewport: { width: 390, height: 900 } }),
    meeting.links.edit,
    "Ben Editor",
  )
  await waitForConvergence([ada, ben], meeting)

  await cursorAtEndOfLine(ada, "#### Testing ####")
  await ada.keyboard.press("Enter")
  await ada.keyboard.type("ACTION: Ben to send the minutes\ntodo @cy: check the links", { delay: 20 })
  const before = await waitForConvergence([ada, ben], meeting)
  // The panel follows the text a moment later (it is recomputed at most every 150 ms).
  await eventually(
    async () =>
      assert.deepEqual(await listedItems(ben), [
        { form: "habit", owner: "Ben", done: false, text: "Ben send the minutes" },
        { form: "habit", owner: "cy", done: false, text: "cy check the links" },
      ]),
    { what: "both habitual lines listed" },
  )
  await screenshot(ben, "action-items-habits-390-dark")

  // One click on Ben's page rewrites that line, and nothing else, for everyone.
  await ben.locator('[data-testid=action-items] li[data-owner="Ben"] [data-testid=action-convert]').click()
  const after = await waitForConvergence([ada, ben], meeting)
  assert.equal(
    after,
    before.replace("ACTION: Ben to send the minutes\n", "- [ ] Ben: send the minutes\n"),
    "only that line changed",
  )
  await ada.waitForFunction(
    () => document.querySelector('[data-testid=action-items] li[data-owner="Ben"]')?.dataset.form === "checklist",
    null,
    { timeout: WAIT_MS },
  )
  await screenshot(ada, "action-items-converted")
  // The button went with the conversion; Ben's keyboard is on the item's new box, not lost to the page.
  await ben.waitForFunction(
    () => document.querySelector('[data-testid=action-items] li[data-owner="Ben"]')?.dataset.form === "checklist",
    null,
    { timeout: WAIT_MS },
  )
  assert.equal(
    await ben.evaluate(
      () => document.activeElement?.closest("li")?.dataset.owner + " " + document.activeElement?.className,
    ),
    "Ben action-check",
  )

  // The conversion is Ben's own edit: his Undo takes it back.
  await ben.locator("[data-testid=editor] .cm-content").focus()
  await ben.keyboard.press("Control+z")
  assert.equal(await waitForConvergence([ada, ben], meeting), before)

  assertNoPageErrors(ada)
  assertNoPageErrors(ben)
})

test("others typing leave one's list of owners open, and a line converted while its owner writes in it keeps his words whole", {
  timeout: 180_000,
}, async (t) => {
  const { meeting, ada, ben } = await adaAndBen(t, "action items while others type")

  // Ada opens the list of owners while Ben types in another section: it stays open, and her
  // "Be⏎" names Ben.
  await cursorAtEndOfLine(ben, "#### Testing ####")
  await ben.keyboard.press("Enter")
  await cursorAtEndOfLine(ada, "#### Release ####")
  await ada.keyboard.press("Control+Shift+Enter")
  const owners = ada.locator(".cm-tooltip-autocomplete")
  await owners.waitFor({ timeout: WAIT_MS })
  const benTyping = ben.keyboard.type("Ben keeps writing the test plan.", { delay: 60 })
  await waitForEditorText(ada, "Ben keeps")
  assert.ok(await owners.isVisible(), "the list of owners is still open while Ben's words arrive")
  await ada.keyboard.type("Be")
  await ada
    .locator(".cm-tooltip-autocomplete li[aria-selected]", { hasText: "Ben Editor" })
    .waitFor({ timeout: WAIT_MS })
  await ada.keyboard.press("Enter")
  await ada.keyboard.type("book the room", { delay: 30 })
  await benTyping
  let text = await waitForConvergence([ada, ben], meeting)
  assert.ok(text.includes("#### Release ####\n- [ ] Ben Editor: book the room\n"), JSON.stringify(text))

  // Ben writes an item by habit and pauses between two words; Ada converts it; Ben goes on.
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("ACTION: Ben to send the slides ", { delay: 30 })
  await waitForConvergence([ada, ben], meeting)
  const convert = ada.locator('[data-testid=action-items] li[data-owner="Ben"] [data-testid=action-convert]')
  await convert.waitFor({ timeout: WAIT_MS })
  await convert.click()
  await waitForEditorText(ben, "- [ ] Ben: send the slides ")
  await ben.keyboard.type("by Friday", { delay: 30 })
  text = await waitForConvergence([ada, ben], meeting)
  assert.ok(text.includes("\n- [ ] Ben: send the slides by Friday\n"), JSON.stringify(text))
  await screenshot(ada, "action-items-while-others-type")

  assertNoPageErrors(ada)
  assertNoPageErrors(ben)
})

test("while someone types above, the outline and the action items keep the keyboard and take it to the right line", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("panels by keyboard")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const ben = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  await cursorAtEndOfLine(ada, "#### Testing ####")
  await ada.keyboard.type("\n- [ ] Cy Viewer: check the release", { delay: 30 })
  await waitForEditorText(ben, "check the release")

  // Ben writes lines at the top all along: every line moves the sections below.
  await cursorAtEndOfLine(ben, "#### Intro ####")
  const typing = ben.keyboard.type("\nBen's notes on the intro, line after line.\nAnd more.\nAnd more again.", {
    delay: 120,
  })
  const focused = () => ada.evaluate(() => document.activeElement?.getAttribute("data-focus-key") ?? null)
  await ada.locator("[data-testid=outline] .outline-item", { hasText: "Testing" }).focus()
  await ada.waitForTimeout(1500)
  assert.equal(await focused(), "4 Testing#1", "the outline entry keeps the keyboard while Ben types")
  const checkbox = ada.locator("[data-testid=action-items] .action-check").first()
  await checkbox.focus()
  await ada.keyboard.press("Space")
  await ada.locator("[data-testid=action-items] li[data-done]").waitFor({ timeout: WAIT_MS })
  await ada.waitForTimeout(500)
  assert.equal(await focused(), "tick checklist Cy Viewer: check the release#1", "the box keeps the keyboard")
  const done = ada.locator("[data-testid=action-items] li[data-done] .action-text").first()
  assert.match(
    await done.evaluate((text) => getComputedStyle(text).textDecorationLine),
    /line-through/,
    "a done item reads as done",
  )

  // Enter on an outline entry: the caret starts the section's text, whatever Ben added above.
  await ada.locator("[data-testid=outline] .outline-item", { hasText: "Release" }).focus()
  await ada.keyboard.press("Enter")
  await ada.keyboard.type("Release notes. ")
  await typing
  const text = await waitForConvergence([ada, ben], meeting)
  assert.match(text, /#### Release ####\nRelease notes. /, "typed at the start of the section's first line")
  assert.match(text, /- \[x\] Cy Viewer: check the release/)
  for (const page of [ada, ben]) assertNoPageErrors(page)
})

test("ticking an item while its owner is writing in it ticks it: the tick is not lost to his typing", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("tick while typing")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const ben = await openMeeting(await newContext(browser, { colorScheme: "dark" }), meeting.links.edit, "Ben Editor")
  await waitForConvergence([ada, ben], meeting)

  await cursorAtEndOfLine(ben, "#### Testing ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben: send the summary", { delay: 60 })
  const box = ada.locator('[data-testid=action-items] li[data-owner="Ben"] .action-check')
  await box.waitFor({ timeout: WAIT_MS })

  // Ben goes on writing in his item at a person's pace; Ada ticks it meanwhile, as people do.
  const more = " to everyone on the list before Friday"
  const typing = ben.keyboard.type(more, { delay: 120 })
  // Ada ticks once Ben's first new words have reached her page, while he is still writing.
  await waitForEditorText(ada, "Ben: send the summary to everyone")
  await box.click()
  await typing

  const text = await waitForConvergence([ada, ben], meeting, 60_000)
  const line = text.split("\n").find((candidate) => candidate.includes("Ben: send the summary"))
  t.diagnostic(JSON.stringify(line))
  assert.equal(line, `- [x] Ben: send the summary${more}`)
  await eventually(async () => assert.equal(await box.isChecked(), true), { what: "Ada's box stays ticked" })
  await screenshot(ada, "action-items-ticked-while-typing")

  assertNoPageErrors(ada)
  assertNoPageErrors(ben)
})

test("a box held down while someone writes a new item above it ticks the item pressed", {
  timeout: 180_000,
}, async (t) => {
  const { meeting, ada, ben } = await adaAndBen(t, "held tick")
  await cursorAtEndOfLine(ben, "#### Testing ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben: fix the printer", { delay: 30 })
  await waitForConvergence([ada, ben], meeting)
  const box = ada.locator('[data-testid=action-items] li[data-owner="Ben"] .action-check')
  await eventually(async () => assert.equal(await box.count(), 1), { what: "Ada's list shows Ben's item" })
  await cursorAtEndOfLine(ben, "#### Intro ####")

  // Ada presses Ben's box and holds it while Ben writes a new item further up the list.
  // The list may still be redrawn once with the text's last letters: measure where the box stands.
  let place = null
  await eventually(
    async () => {
      await box.scrollIntoViewIfNeeded({ timeout: 1_000 })
      place = await box.boundingBox()
      assert.ok(place, "the box is on the page")
    },
    { what: "Ben's box in Ada's list" },
  )
  await ada.mouse.move(place.x + place.width / 2, place.y + place.height / 2)
  await ada.mouse.down()
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben: order paper", { delay: 40 })
  // The new item reaches Ada's page while she still holds the box down.
  await waitForEditorText(ada, "- [ ] Ben: order paper")
  await ada.mouse.up()

  const text = await waitForConvergence([ada, ben], meeting, 60_000)
  const lines = text.split("\n").filter((line) => line.includes("Ben: "))
  t.diagnostic(JSON.stringify(lines))
  assert.deepEqual(lines, ["- [ ] Ben: order paper", "- [x] Ben: fix the printer"])
  assertNoPageErrors(ada)
})
