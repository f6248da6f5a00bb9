import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  newContext,
  openMeeting,
  screenshot,
  waitForConvergence,
  waitForEditorText,
  waitForState,
} from "./support/harness.mjs"

const BEN = "alpha beta gamma delta"
const ADA = "ONE TWO THREE FOUR FIVE"

/** The line of `text` that starts with `start`. */
function lineStarting(text, start) {
  const line = text.split("\n").find((candidate) => candidate.startsWith(start))
  assert.ok(line !== undefined, `a line starts with ${JSON.stringify(start)}`)
  return line
}

/** The line is `start` followed by both people's text, each whole, in either order. */
function assertWhole(line, start, first, second) {
  assert.ok(
    line === `${start}${first}${second}` || line === `${start}${second}${first}`,
    `each person's words stay together: ${JSON.stringify(line)}`,
  )
}

async function twoPeople(t, name) {
  const meeting = await createMeeting(name)
  const browser = await browserFor(t)
  const ben = await openMeeting(await newContext(browser), meeting.links.edit, "Ben Editor")
  const ada = await openMeeting(await newContext(browser, { colorScheme: "dark" }), meeting.links.chair, "Ada Chair")
  await waitForConvergence([ben, ada], meeting)
  return { meeting, ben, ada }
}

test("two people typing at the end of one line keep their words whole, at human speed and at full speed", {
  timeout: 240_000,
}, async (t) => {
  const { meeting, ben, ada } = await twoPeople(t, "same spot")

  // Human speed: 120 and 140 ms a key, so the two streams of keys cross in both orders.
  await cursorAtEndOfLine(ben, "- Testing")
  await cursorAtEndOfLine(ada, "- Testing")
  await Promise.all([ben.keyboard.type(` ${BEN}`, { delay: 120 }), ada.keyboard.type(` ${ADA}`, { delay: 140 })])
  const human = lineStarting(await waitForConvergence([ben, ada], meeting, 60_000), "- Testing")
  t.diagnostic(`human speed: ${JSON.stringify(human)}`)
  assertWhole(human, "- Testing", ` ${BEN}`, ` ${ADA}`)
  await screenshot(ben, "same-spot-human-ben")
  await screenshot(ada, "same-spot-human-ada-dark")

  // Full speed: no delay between keys.
  await cursorAtEndOfLine(ben, "- Release")
  await cursorAtEndOfLine(ada, "- Release")
  await Promise.all([ben.keyboard.type(` ${BEN}`), ada.keyboard.type(` ${ADA}`)])
  const full = lineStarting(await waitForConvergence([ben, ada], meeting, 60_000), "- Release")
  t.diagnostic(`full speed: ${JSON.stringify(full)}`)
  assertWhole(full, "- Release", ` ${BEN}`, ` ${ADA}`)
  await screenshot(ben, "same-spot-full-ben")

  assertNoPageErrors(ben)
  assertNoPageErrors(ada)
})

/** Composes `word` letter by letter with an input method (a phone keyboard, an IME), then commits it. */
async function compose(page, word) {
  const cdp = await page.context().newCDPSession(page)
  for (let length = 1; length <= word.length; length += 1) {
    const text = word.slice(0, length)
    await cdp.send("Input.imeSetComposition", { text, selectionStart: length, selectionEnd: length })
    await page.waitForTimeout(130)
  }
  await cdp.send("Input.insertText", { text: word })
  await cdp.detach()
}

test("a word composed with an input method while someone types on its line comes in once", {
  timeout: 180_000,
}, async (t) => {
  const { meeting, ben, ada } = await twoPeople(t, "composition")

  await cursorAtEndOfLine(ben, "- Testing")
  await ben.keyboard.type(" on ", { delay: 120 })
  await waitForEditorText(ada, "- Testing on ")
  await cursorAtEndOfLine(ada, "- Testing")
  await ada.keyboard.press("Home")
  // Ada types at the start of Ben's line while he composes two words at its end (a phone keyboard
  // composes every word): the page used to take the composed letters in twice ("frfriday").
  const adaTyping = ada.keyboard.type("NOTE ", { delay: 150 })
  for (const word of ["friday", "afternoon"]) {
    await compose(ben, word)
    await ben.keyboard.type(" ", { delay: 120 })
  }
  await adaTyping
  const line = lineStarting(await waitForConvergence([ben, ada], meeting, 60_000), "NOTE ")
  t.diagnostic(JSON.stringify(line))
  assert.equal(line, "NOTE - Testing on friday afternoon ")
  await screenshot(ben, "same-spot-composition-ben")

  assertNoPageErrors(ben)
  assertNoPageErrors(ada)
})

test("undo after someone else typed removes only one's own text, and redo brings it back", {
  timeout: 180_000,
}, async (t) => {
  const { meeting, ben, ada } = await twoPeople(t, "undo own text")

  // Each text goes in as one input, as a paste or a quick word does: typed key by key, a pause
  // of half a second (a loaded machine) would make two undo steps of it, which is not this test.
  await cursorAtEndOfLine(ben, "- Intro")
  await ben.keyboard.insertText(" (ben's note)")
  await waitForEditorText(ada, "- Intro (ben's note)")
  await cursorAtEndOfLine(ada, "- Intro")
  await ada.keyboard.insertText(" ADA ADDS THIS")
  await waitForEditorText(ben, "- Intro (ben's note) ADA ADDS THIS")

  // Ben's caret is still after his own note; Ctrl+Z takes back his note and nothing of Ada's.
  await ben.keyboard.press("Control+z")
  const undone = lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro")
  assert.equal(undone, "- Intro ADA ADDS THIS")
  await screenshot(ben, "undo-own-text-ben")

  // Ada's undo history holds only her own text too: her Ctrl+Z removes it, not Ben's.
  await ben.keyboard.press("Control+Shift+Z") // as a keyboard sends it: Shift makes the key "Z"
  assert.equal(
    lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro"),
    "- Intro (ben's note) ADA ADDS THIS",
  )
  await ada.keyboard.press("Control+z")
  assert.equal(lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro"), "- Intro (ben's note)")
  await screenshot(ada, "undo-own-text-ada-dark")

  // Nothing more to undo for Ada: another Ctrl+Z leaves Ben's note alone.
  await ada.keyboard.press("Control+z")
  await ben.keyboard.type("!")
  await waitForEditorText(ada, "- Intro (ben's note)!")
  assert.equal(lineStarting(await editorText(ada), "- Intro"), "- Intro (ben's note)!")

  // The browser's own Undo (Edit menu, context menu, a phone's gesture) is an input event: it
  // takes back Ben's "!" as Ctrl+Z would.
  await ben
    .locator("[data-testid=editor] .cm-content")
    .evaluate((content) =>
      content.dispatchEvent(
        new InputEvent("beforeinput", { inputType: "historyUndo", bubbles: true, cancelable: true }),
      ),
    )
  assert.equal(lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro"), "- Intro (ben's note)")

  assertNoPageErrors(ben)
  assertNoPageErrors(ada)
})

test("undoing a removal puts the words back around what someone typed inside them meanwhile", {
  timeout: 180_000,
}, async (t) => {
  const { meeting, ben, ada } = await twoPeople(t, "undo around others")
  await cursorAtEndOfLine(ada, "- Intro")
  await ada.keyboard.type(" budget approved at fifty", { delay: 40 })
  await waitForEditorText(ben, "- Intro budget approved at fifty")

  // Ben's connection drops while he writes inside Ada's words, and meanwhile she removes them.
  await ben.context().setOffline(true)
  await waitForState(ben, "offline")
  await cursorAtEndOfLine(ben, "- Intro budget")
  for (const _ of "at fifty") await ben.keyboard.press("ArrowLeft")
  await ben.keyboard.type("NOT ", { delay: 120 })
  await cursorAtEndOfLine(ada, "- Intro budget")
  for (const _ of "fifty") await ada.keyboard.press("ArrowLeft")
  for (const _ of "approved at ") await ada.keyboard.press("Shift+ArrowLeft")
  await ada.keyboard.press("Backspace")
  await waitForEditorText(ada, "- Intro budget fifty")
  await ben.context().setOffline(false)
  assert.equal(lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro"), "- Intro budget NOT fifty")

  // Her undo puts "approved" before Ben's words and "at" after them, where each stood.
  await ada.keyboard.press("Control+z")
  const undone = lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro")
  assert.equal(undone, "- Intro budget approved NOT at fifty")
  await screenshot(ada, "undo-around-others-ada-dark")
  await screenshot(ben, "undo-around-others-ben")
  await ada.keyboard.press("Control+Shift+Z")
  assert.equal(lineStarting(await waitForConvergence([ben, ada], meeting), "- Intro"), "- Intro budget NOT fifty")

  assertNoPageErrors(ben, { allowNetwork: true })
  assertNoPageErrors(ada)
})

test("moving a line with Alt+arrow past the line someone types in leaves their words whole and their caret with them", {
  timeout: 120_000,
}, async (t) => {
  const { meeting, ben, ada } = await twoPeople(t, "line move")

  await cursorAtEndOfLine(ada, "- Release")
  await cursorAtEndOfLine(ben, "- Testing")
  const typing = ada.keyboard.type(` ${ADA}`, { delay: 140 })
  // Ada is a few words in when Ben moves the line below hers up, past hers, and later down again.
  await ada.waitForFunction(() => document.querySelector(".cm-content")?.textContent?.includes("TWO"))
  await ben.keyboard.press("Alt+ArrowUp")
  await ada.waitForFunction(() => document.querySelector(".cm-content")?.textContent?.includes("FOUR"))
  await ben.keyboard.press("Alt+ArrowDown")
  await typing
  const text = await waitForConvergence([ben, ada], meeting, 60_000)
  t.diagnostic(JSON.stringify(text.split("\n").filter((line) => /^- (Release|Testing|Intro)/.test(line))))
  assert.equal(lineStarting(text, "- Release"), `- Release ${ADA}`, "Ada's line is whole")
  assert.ok(
    text.includes(`- Intro\n- Release ${ADA}\n- Testing\n`),
    "up and down again: Ben's line is back below Ada's, once",
  )
  await screenshot(ada, "line-move-ada")

  // Ben moves the very line Ada types in: her words stay whole there too (the line he passes is
  // the one rewritten).
  await cursorAtEndOfLine(ada, "- Intro")
  await cursorAtEndOfLine(ben, "- Intro")
  await ben.keyboard.press("Home")
  await ben.waitForTimeout(500)
  const more = ada.keyboard.type(` ${BEN}`, { delay: 140 })
  await ada.waitForFunction(() => document.querySelector(".cm-content")?.textContent?.includes("beta"))
  await ben.keyboard.press("Alt+ArrowDown")
  await more
  const after = await waitForConvergence([ben, ada], meeting, 60_000)
  assert.ok(after.includes(`- Release ${ADA}\n- Intro ${BEN}\n- Testing\n`), `Ada's line moved whole: ${after}`)
  assertNoPageErrors(ben)
  assertNoPageErrors(ada)
})
