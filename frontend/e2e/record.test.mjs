// The record of a meeting in the page: who wrote what, the timeline, changes since a visit, and
// the exports. Three people in three browser contexts, typing at human speed.

import assert from "node:assert/strict"
import { readFile } from "node:fs/promises"
import { test } from "node:test"
import { next as A } from "@automerge/automerge"
import { assertAccessible } from "./support/accessibility.mjs"
import {
  assertNoPageErrors,
  BASE_URL,
  browserFor,
  closedMinutesMarkdown,
  closeMeeting,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
  meetingInfo,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForFinalText,
  waitForState,
} from "./support/harness.mjs"

const PEOPLE = [
  { name: "Ada", after: "#### Intro ####", text: "Ada notes the intro." },
  { name: "Ben", after: "#### Release ####", text: "Ben ships on Friday." },
  { name: "Cy", after: "#### Testing ####", text: "Cy adds browser tests." },
]

/** Everyone opens the meeting, then each types their line under their own heading. */
async function threePeopleType(browser, meeting) {
  const pages = []
  for (const person of PEOPLE) {
    pages.push(await openMeeting(await newContext(browser), meeting.links.edit, person.name))
  }
  for (const [i, person] of PEOPLE.entries()) {
    await cursorAtEndOfLine(pages[i], person.after)
    await pages[i].keyboard.type(`\n${person.text}`, { delay: 120 })
  }
  await waitForConvergence(pages, meeting)
  return pages
}

/** The legend's entries: name → the class colouring their text. */
async function legend(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("[data-testid=authorship-legend] .legend-item")].map((item) => [
        item.dataset.name,
        item.dataset.class,
      ]),
    ),
  )
}

/** The colour classes of the authorship marks over the line holding `text`, with the text each covers. */
async function coloursOnLine(page, text) {
  return page.evaluate((needle) => {
    const line = [...document.querySelectorAll("[data-testid=editor] .cm-line")].find((l) =>
      l.textContent.includes(needle),
    )
    if (!line) return null
    const byClass = {}
    for (const mark of line.querySelectorAll(".cm-author")) {
      const colour = [...mark.classList].find((c) => c.startsWith("peer-color-") || c === "author-plain")
      byClass[colour] = (byClass[colour] ?? "") + mark.textContent
    }
    return byClass
  }, text)
}

/** `name`-light/-dark at the page's width and at 390 px; leaves the page light and as wide as it was. */
async function screenshots(page, name) {
  const size = page.viewportSize()
  for (const width of [size.width, 390]) {
    await page.setViewportSize({ width, height: size.height })
    for (const colorScheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme })
      await screenshot(page, `${name}-${colorScheme}${width === 390 ? "-390" : ""}`)
    }
  }
  await page.emulateMedia({ colorScheme: "light" })
  await page.setViewportSize(size)
}

/** The class of a person's dot in the presence list. */
async function presenceColour(page, name) {
  return page.evaluate((who) => {
    const dot = document.querySelector(`[data-testid=presence-list] .person[data-name="${who}"] .person-dot`)
    return dot ? [...dot.classList].find((c) => c.startsWith("peer-color-")) : null
  }, name)
}

test("three people type; who wrote what colours each one's text with their colour and the legend names them", async (t) => {
  const browser = await browserFor(t)
  const meeting = await createMeeting("authorship")
  const pages = await threePeopleType(browser, meeting)
  const [ada] = pages

  await ada.click("[data-testid=authors-toggle]")
  await ada.waitForFunction(
    () => document.querySelector("[data-testid=authorship-legend]")?.dataset.state === "on",
    null,
    {
      timeout: WAIT_MS,
    },
  )

  const entries = await legend(ada)
  assert.deepEqual(Object.keys(entries).sort(), ["Ada", "Ben", "Cy", "Meeting template"])
  assert.equal(entries["Meeting template"], "author-plain", "the template is not anyone's colour")
  for (const person of PEOPLE) {
    assert.equal(
      entries[person.name],
      await presenceColour(ada, person.name),
      `${person.name}'s legend colour is their presence colour`,
    )
    const colours = await coloursOnLine(ada, person.text)
    assert.ok(colours, `the line of ${person.name} is shown`)
    assert.equal(colours[entries[person.name]], person.text, `${person.name}'s line is in ${person.name}'s colour`)
  }
  assert.equal(await ada.getAttribute("[data-testid=authors-toggle]", "aria-pressed"), "true")

  // Typing on with the colours on: the new words are the typist's at once, others' after they arrive.
  await cursorAtEndOfLine(ada, PEOPLE[0].text)
  await ada.keyboard.type(" More from Ada.", { delay: 120 })
  await cursorAtEndOfLine(pages[1], PEOPLE[1].text)
  await pages[1].keyboard.type(" Or Monday.", { delay: 120 })
  await waitForConvergence(pages, meeting)
  await ada.waitForFunction(
    ({ needle, colour }) => {
      const line = [...document.querySelectorAll("[data-testid=editor] .cm-line")].find((l) =>
        l.textContent.includes(needle),
      )
      return [...(line?.querySelectorAll(`.cm-author.${colour}`) ?? [])]
        .map((m) => m.textContent)
        .join("")
        .includes("Or Monday.")
    },
    { needle: "Or Monday.", colour: entries.Ben },
    { timeout: WAIT_MS },
  )
  assert.ok((await coloursOnLine(ada, "More from Ada."))[entries.Ada].endsWith(" More from Ada."))

  await screenshots(ada, "record-authorship")
  // Text on each author's tint (and on a line where someone's caret is) stays readable.
  for (const colorScheme of ["light", "dark"]) {
    await ada.emulateMedia({ colorScheme })
    await assertAccessible(ada, `who wrote what (${colorScheme})`)
  }
  await ada.emulateMedia({ colorScheme: "light" })

  // Where two colours look alike, or colours do not tell at all: a pointer on the text reads its
  // author's name, and choosing a name in the legend colours only that person's text.
  assert.equal(
    await ada.evaluate((needle) => {
      const line = [...document.querySelectorAll("[data-testid=editor] .cm-line")].find((l) =>
        l.textContent.includes(needle),
      )
      return line?.querySelector(".cm-author[title]")?.getAttribute("title")
    }, PEOPLE[2].text),
    "Cy",
  )
  await ada.locator("[data-testid=authorship-legend] .legend-item[data-name=Ben] button").click()
  await ada.locator("[data-testid=authorship-legend] .legend-item[data-name=Ben][data-chosen=true]").waitFor()
  const onlyBen = await coloursOnLine(ada, PEOPLE[1].text)
  assert.equal(onlyBen[entries.Ben], `${PEOPLE[1].text} Or Monday.`, "Ben's text keeps his colour")
  assert.equal((await coloursOnLine(ada, PEOPLE[0].text))[entries.Ada], undefined, "Ada's is not coloured")
  assert.ok((await coloursOnLine(ada, PEOPLE[0].text))["author-plain"].includes("More from Ada."))
  assert.match(await ada.textContent("[data-testid=legend-hint]"), /Only Ben's text is coloured/)
  await screenshot(ada, "record-authorship-only-ben")
  // The legend is drawn anew, the keyboard stays on Ben's name: Space takes the choice back.
  await ada.keyboard.press("Space")
  await ada.locator("[data-testid=authorship-legend] .legend-item[data-name=Ben][data-chosen=false]").waitFor()
  assert.equal(
    await ada.evaluate(() => document.activeElement?.closest(".legend-item")?.dataset.name),
    "Ben",
    "the keyboard is still on Ben's name",
  )
  assert.equal(
    await ada.locator("[data-testid=authorship-legend] .legend-item[data-name='Meeting template'] button").count(),
    0,
    "text nobody wrote is not a choice",
  )
  assert.ok((await coloursOnLine(ada, PEOPLE[0].text))[entries.Ada].endsWith(" More from Ada."), "everyone's again")

  // Ben moves Ada's line down (Alt+↓): it is written again, by Ben's page, and stays Ada's, live
  // and when the colours are read again from the history.
  const adaLine = `${PEOPLE[0].text} More from Ada.`
  // Ada's caret elsewhere: with it in her line, Ben's page would rewrite the line passed instead.
  await cursorAtEndOfLine(ada, "#### Testing ####")
  await cursorAtEndOfLine(pages[1], adaLine)
  await pages[1].keyboard.press("Alt+ArrowDown")
  await ada.waitForFunction(
    (line) => {
      const lines = document.querySelector("[data-testid=editor]").minutesEditorText().split("\n")
      return lines.indexOf(line) > lines.indexOf("#### Intro ####") + 1
    },
    adaLine,
    { timeout: WAIT_MS },
  )
  await assertWholeLineIn(ada, adaLine, entries.Ada, "moved, still Ada's")

  // Ada deletes Ben's line and takes it back (Ctrl+Z): written again by Ada's page, Ben's words
  // stay Ben's, live and when read again.
  const benLine = `${PEOPLE[1].text} Or Monday.`
  await cursorAtEndOfLine(ada, benLine)
  await ada.keyboard.press("Shift+Home")
  await ada.keyboard.press("Delete")
  await ada.waitForFunction(
    (line) => !document.querySelector("[data-testid=editor]").minutesEditorText().includes(line),
    benLine,
    { timeout: WAIT_MS },
  )
  await ada.keyboard.press("Control+z")
  await assertWholeLineIn(ada, benLine, entries.Ben, "deleted and brought back by Ada's Undo, still Ben's")

  // The meeting closes: the colours stay on Ada's page, and someone who opens it afterwards sees them too.
  await closeMeeting(meeting)
  await waitForState(ada, "closed")
  await waitForFinalText(ada, await closedMinutesMarkdown(ada, meeting))
  assert.equal((await coloursOnLine(ada, PEOPLE[1].text))[entries.Ben], `${PEOPLE[1].text} Or Monday.`)
  assert.equal(await ada.getAttribute("[data-testid=authorship-legend]", "data-state"), "on")
  const later = await openMeeting(await newContext(browser), meeting.links.view, "Dee")
  // Colours are the presence colours of the people here: Dee's page must have heard of them first.
  await later.waitForFunction(
    (names) => names.every((name) => document.querySelector(`[data-testid=presence-list] [data-name="${name}"]`)),
    PEOPLE.map((person) => person.name),
    { timeout: WAIT_MS },
  )
  await later.click("[data-testid=authors-toggle]")
  await later.waitForFunction(
    () => document.querySelector("[data-testid=authorship-legend]")?.dataset.state === "on",
    null,
    { timeout: WAIT_MS },
  )
  assert.deepEqual(await legend(later), entries, "the closed meeting's legend is the open one's")
  for (const person of PEOPLE) {
    assert.ok(
      (await coloursOnLine(later, person.text))[entries[person.name]]?.startsWith(person.text),
      `${person.name}'s line in the closed meeting is in ${person.name}'s colour`,
    )
  }
  await screenshot(later, "record-authorship-closed")
  // The newest step of the history is the close, which is the server's: named so, without a time.
  await later.click("[data-testid=history-toggle]")
  await later.waitForFunction(() => document.querySelector("[data-testid=timeline]")?.dataset.state === "ready", null, {
    timeout: WAIT_MS,
  })
  assert.match(await later.textContent("[data-testid=timeline-point]"), /^Step \d+ of \d+: The server · 1 change$/)

  // Ben and Cy leave: in the history they keep colours of their own, not one shared by the absent.
  await Promise.all([pages[1].close(), pages[2].close()])
  await later.waitForFunction(
    () => document.querySelectorAll("[data-testid=presence-list] .person").length <= 2,
    null,
    { timeout: WAIT_MS },
  )
  const classOf = new Map()
  const steps = Number(await later.getAttribute("[data-testid=timeline-slider]", "max"))
  for (let step = 0; step <= steps; step += 1) {
    await later.fill("[data-testid=timeline-slider]", String(step))
    await later.waitForFunction(
      (at) => document.querySelector("[data-testid=timeline]").dataset.point === at,
      String(step),
    )
    for (const [name, cls] of await later.$$eval(
      "[data-testid=timeline] .timeline-who .legend-item[data-name]",
      (items) => items.map((item) => [item.dataset.name, item.dataset.class]),
    ))
      classOf.set(name, cls)
  }
  const absent = [PEOPLE[1].name, PEOPLE[2].name].map((name) => classOf.get(name))
  assert.ok(absent.every(Boolean), `both absent people appear in the history (${[...classOf]})`)
  assert.notEqual(absent[0], absent[1], `absent people keep distinct colours (${[...classOf]})`)

  await ada.click("[data-testid=authors-toggle]")
  await ada.waitForFunction(() => document.querySelectorAll("[data-testid=editor] .cm-author").length === 0)
  for (const page of [...pages, later]) assertNoPageErrors(page)
})

test("the timeline steps through edit sessions: an earlier point shows the earlier text and who changed what", async (t) => {
  const browser = await browserFor(t)
  const meeting = await createMeeting("timeline")
  const pages = await threePeopleType(browser, meeting)
  const [ada] = pages

  await ada.click("[data-testid=history-toggle]")
  await ada.waitForFunction(() => document.querySelector("[data-testid=timeline]")?.dataset.state === "ready", null, {
    timeout: WAIT_MS,
  })
  const timelineText = () =>
    ada.evaluate(() => document.querySelector("[data-testid=timeline-text]").minutesTimelineText())
  assert.equal(await timelineText(), await editorText(ada), "the newest point is the text now")
  assert.match(await ada.textContent("[data-testid=timeline-point]"), /Cy/)

  // Step back to Ben's last session before Cy's line: Ada's and Ben's lines are there, Cy's not.
  const caption = () => ada.textContent("[data-testid=timeline-point]")
  while (!(/Ben/.test(await caption()) && !(await timelineText()).includes(PEOPLE[2].text))) {
    const before = await ada.getAttribute("[data-testid=timeline]", "data-point")
    await ada.click("[data-testid=timeline-previous]")
    await ada.waitForFunction(
      (point) => document.querySelector("[data-testid=timeline]").dataset.point !== point,
      before,
    )
  }
  const earlier = await timelineText()
  assert.ok(
    earlier.includes(PEOPLE[0].text) && earlier.includes(PEOPLE[1].text),
    `Ada's and Ben's lines are there at "${await caption()}": ${earlier}`,
  )
  const added = await ada.evaluate(() =>
    [...document.querySelectorAll("[data-testid=timeline-text] .cm-change-added")].map((m) => m.textContent).join(""),
  )
  // Ben's whole line, or its end if his typing went on past a minute (then the step before has the rest).
  assert.ok(
    added.length > 0 && `\n${PEOPLE[1].text}`.endsWith(added),
    `Ben's session is highlighted as added: ${added}`,
  )
  assert.ok(!added.includes("Ada"), "Ada's earlier line is not")
  const who = await ada.evaluate(() =>
    [...document.querySelectorAll("[data-testid=timeline] .timeline-who .legend-item")].map((i) => i.dataset.name),
  )
  assert.deepEqual(who, ["Ben"])
  assert.equal(await editorText(ada), await editorText(pages[2]), "the live minutes are untouched underneath")

  await screenshots(ada, "record-timeline")

  // The slider reaches the very start: the meeting's template, before anyone typed.
  await ada.fill("[data-testid=timeline-slider]", "0")
  await ada.waitForFunction(() => document.querySelector("[data-testid=timeline]").dataset.point === "0")
  const start = await timelineText()
  for (const person of PEOPLE) assert.ok(!start.includes(person.text))
  assert.match(start, /#### Intro ####/)
  for (const colorScheme of ["light", "dark"]) {
    await ada.emulateMedia({ colorScheme })
    await assertAccessible(ada, `the history's first step (${colorScheme})`)
  }
  await ada.emulateMedia({ colorScheme: "light" })

  await ada.click("[data-testid=timeline-close]")
  await ada.locator("[data-testid=editor] .cm-content").waitFor({ state: "visible" })
  assert.equal(
    await ada.evaluate(() => document.activeElement?.dataset.testid),
    "history-toggle",
    "the keyboard is back on History",
  )

  // By keyboard: Enter opens the history again, Escape leaves it, as it leaves a dialog.
  await ada.keyboard.press("Enter")
  await ada.getByTestId("timeline-slider").focus()
  await ada.keyboard.press("Escape")
  await ada.locator("[data-testid=timeline]").waitFor({ state: "detached" })
  assert.equal(await ada.evaluate(() => document.activeElement?.dataset.testid), "history-toggle")
  // "Skip to the minutes" takes the keyboard into the text itself.
  await ada.locator(".skip-link").focus()
  await ada.keyboard.press("Enter")
  assert.ok(
    await ada.evaluate(() => document.activeElement?.matches("[data-testid=editor] .cm-content")),
    "the skip link puts the caret in the minutes",
  )
  // On a phone the panels come after the text: links above it lead there, and the address keeps
  // the token in its fragment (a reload still opens the meeting).
  await ada.setViewportSize({ width: 390, height: 844 })
  await ada.locator(".jump-links").getByRole("link", { name: "Action items" }).click()
  assert.equal(await ada.evaluate(() => document.activeElement?.id), "actions-title")
  assert.ok(await ada.locator("#actions-title").isVisible())
  assert.match(new URL(ada.url()).hash, /token=/)
  for (const page of pages) assertNoPageErrors(page)
})

test("someone coming back sees what changed since their last visit", async (t) => {
  const browser = await browserFor(t)
  const meeting = await createMeeting("since last visit")
  const adaContext = await newContext(browser)
  let ada = await openMeeting(adaContext, meeting.links.edit, "Ada")
  await cursorAtEndOfLine(ada, "#### Intro ####")
  await ada.keyboard.type("\nAda was here.", { delay: 120 })
  await waitForConvergence([ada], meeting)
  // What Ada saw is written down (within a couple of seconds), then she leaves.
  await ada.waitForFunction((id) => (window.localStorage.getItem(`minutes.seen.${id}`) ?? "").length > 0, meeting.id, {
    timeout: WAIT_MS,
  })
  await ada.close()

  const ben = await openMeeting(await newContext(browser), meeting.links.edit, "Ben")
  await cursorAtEndOfLine(ben, "#### Release ####")
  await ben.keyboard.type("\nBen wrote this while Ada was away.", { delay: 120 })
  await waitForConvergence([ben], meeting)

  ada = await openMeeting(adaContext, meeting.links.edit, "Ada")
  await ada.locator("[data-testid=since-last-visit]").waitFor({ state: "visible", timeout: WAIT_MS })
  await ada.click("[data-testid=since-last-visit]")
  await ada.waitForFunction(() => document.querySelector("[data-testid=timeline]")?.dataset.state === "ready", null, {
    timeout: WAIT_MS,
  })
  assert.match(
    await ada.textContent("[data-testid=timeline-point]"),
    /^Changes since your last visit: \d+ characters added/,
  )
  const added = await ada.evaluate(() =>
    [...document.querySelectorAll("[data-testid=timeline-text] .cm-change-added")].map((m) => m.textContent).join(""),
  )
  assert.ok(added.includes("Ben wrote this while Ada was away."))
  assert.ok(!added.includes("Ada was here."))
  assert.deepEqual(
    await ada.evaluate(() =>
      [...document.querySelectorAll("[data-testid=timeline] .timeline-who .legend-item")].map((i) => i.dataset.name),
    ),
    ["Ben"],
  )
  await screenshot(ada, "record-since-last-visit")

  // Ben writes on while Ada reads: "Include the newest edits" shows the same comparison with them,
  // not the history's newest step in its place.
  await ben.keyboard.type(" And more.", { delay: 120 })
  await ada.getByTestId("timeline-refresh").click()
  await ada.waitForFunction(
    () =>
      [...document.querySelectorAll("[data-testid=timeline-text] .cm-change-added")]
        .map((m) => m.textContent)
        .join("")
        .includes("And more."),
    null,
    { timeout: WAIT_MS },
  )
  assert.match(await ada.textContent("[data-testid=timeline-point]"), /^Changes since your last visit: /)
  assertNoPageErrors(ada)

  // Ada leaves once her page has noted the whole meeting; the chair closes it; coming back, Ada
  // reads that it was closed, not only that the text did not change.
  await waitForConvergence([ben, ada], meeting)
  const { heads } = await meetingInfo(meeting)
  await ada.waitForFunction(
    ([id, seen]) => window.localStorage.getItem(`minutes.seen.${id}`) === seen,
    [meeting.id, JSON.stringify([...heads].sort())],
    { timeout: WAIT_MS },
  )
  await ada.close()
  await closeMeeting(meeting)
  ada = await openMeeting(adaContext, meeting.links.edit, "Ada")
  await ada.click("[data-testid=since-last-visit]")
  await ada.getByTestId("timeline-point").filter({ hasText: "closed the meeting" }).waitFor({ timeout: WAIT_MS })
  assert.match(
    await ada.textContent("[data-testid=timeline-point]"),
    /^Changes since your last visit: no change to the text; .+ closed the meeting$/,
  )
  await screenshot(ada, "record-since-last-visit-closed")
  assertNoPageErrors(ada)
  assertNoPageErrors(ben)
})

test("the downloads round trip: Markdown is minutes.md, Automerge loads with the same text and people", async (t) => {
  const browser = await browserFor(t)
  const meeting = await createMeeting("export")
  const pages = await threePeopleType(browser, meeting)
  const [ada] = pages
  const text = await editorText(ada)

  const download = async (format) => {
    const [file] = await Promise.all([ada.waitForEvent("download"), ada.click(`[data-testid=export-${format}]`)])
    return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) }
  }

  const md = await download("md")
  assert.equal(md.name, `${await meetingDate(meeting)}.md`)
  assert.equal(md.bytes.toString("utf8"), await minutesMarkdown(meeting))

  const json = await download("json")
  const exported = JSON.parse(json.bytes.toString("utf8"))
  assert.equal(exported.body, text)
  assert.deepEqual(Object.values(exported.people).sort(), ["Ada", "Ben", "Cy"])

  const automerge = await download("automerge")
  assert.match(automerge.name, /\.automerge$/)
  const doc = A.load(new Uint8Array(automerge.bytes))
  assert.equal(doc.body, text)
  assert.deepEqual(A.getHeads(doc).sort(), [...exported.heads].sort(), "the same heads as the JSON export")
  assert.deepEqual(doc.people, exported.people)
  for (const page of pages) assertNoPageErrors(page)
})

test("a history the page cannot read is said in words, and the minutes go on as before", async (t) => {
  const browser = await browserFor(t)
  const meeting = await createMeeting("unreadable history")
  const context = await newContext(browser)
  // The history worker answers as it does for a saved copy it does not understand (a format a newer
  // Automerge wrote, damaged bytes: frontend/test/history.test.ts makes it give exactly this answer).
  await context.addInitScript(() => {
    const unreadable = () => {
      const worker = {
        onmessage: null,
        postMessage({ id }) {
          const reply = { kind: "error", message: "the saved document could not be read: unknown", unreadable: true }
          setTimeout(() => worker.onmessage?.({ data: { id, reply } }), 0)
        },
        terminate() {},
      }
      return worker
    }
    window.Worker = new Proxy(window.Worker, {
      construct: (Real, [url, options]) => (options?.name === "history" ? unreadable() : new Real(url, options)),
    })
  })
  const ada = await openMeeting(context, meeting.links.edit, "Ada")

  await ada.click("[data-testid=authors-toggle]")
  await ada.waitForFunction(() => document.querySelector("[data-testid=authorship-legend]")?.dataset.state === "failed")
  const note = await ada.textContent("[data-testid=authorship-legend]")
  assert.match(note, /cannot read the meeting's history/)
  assert.match(note, /minutes themselves are not affected/)
  assert.equal(await ada.locator("[data-testid=editor] .cm-author").count(), 0, "no colours half-shown")

  await ada.click("[data-testid=history-toggle]")
  await ada.waitForFunction(() => document.querySelector("[data-testid=timeline]")?.dataset.state === "failed")
  assert.match(await ada.textContent("[data-testid=timeline]"), /The history cannot be shown: this page cannot read/)
  assert.ok(
    !(await ada.isVisible("[data-testid=timeline-slider]")) && !(await ada.isVisible("[data-testid=timeline-text]")),
    "no slider or text box over nothing",
  )
  await screenshots(ada, "record-unreadable")
  await ada.click("[data-testid=timeline-close]")

  await cursorAtEndOfLine(ada, "#### Intro ####")
  await ada.keyboard.type("\nStill typing.", { delay: 120 })
  await waitForConvergence([ada], meeting)
  assert.ok((await editorText(ada)).includes("Still typing."))
  assert.ok(
    ada.minutesProblems.every((problem) => /could not be (computed|read)/.test(problem)),
    `only the history's own failure was logged: ${ada.minutesProblems}`,
  )
})

async function meetingDate(meeting) {
  const response = await fetch(`${BASE_URL}/api/meetings/${meeting.id}`, {
    headers: { Authorization: `Bearer ${meeting.tokens.viewer}` },
  })
  return (await response.json()).meta.updated
}

/**
 * Waits until `line` is all in `colour` on `page`, then reads the colours again from the history
 * (the toggle off and on) and waits for the same.
 */
async function assertWholeLineIn(page, line, colour, what) {
  for (const reading of ["live", "read again"]) {
    if (reading === "read again") {
      await page.click("[data-testid=authors-toggle]")
      await page.click("[data-testid=authors-toggle]")
      await page.waitForFunction(
        () => document.querySelector("[data-testid=authorship-legend]")?.dataset.state === "on",
      )
    }
    await page.waitForFunction(
      ({ line, colour }) => {
        // The line holds carets' name labels too: found by its text, judged by its marks.
        const shown = [...document.querySelectorAll("[data-testid=editor] .cm-line")].find((l) =>
          l.textContent.includes(line),
        )
        return [...(shown?.querySelectorAll(`.cm-author.${colour}`) ?? [])].map((m) => m.textContent).join("") === line
      },
      { line, colour },
      { timeout: WAIT_MS },
    )
    assert.deepEqual(Object.keys(await coloursOnLine(page, line)), [colour], `${what} (${reading})`)
  }
}
