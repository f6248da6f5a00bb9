import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  eventually,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForEditorText,
  waitForState,
} from "./support/harness.mjs"

/** What the requirement allows between a person going away and their leaving everyone's list. */
const LEAVE_WITHIN_MS = 10_000

/** The palette index a person id wishes for (presence.ts preferredColor: FNV-1a modulo 12). */
function wishedColour(id) {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % 12
}

/** Person ids for Ada, Ben and Cy where Cy wishes for Ben's colour and Ada for one unlike it. */
function idsWhereCyWantsBensColour() {
  const families = [[0, 4], [1, 8], [2], [3, 7], [5, 11], [6, 9], [10]] // presence.ts COLOR_FAMILIES
  const family = (colour) => families.findIndex((members) => members.includes(colour))
  const id = (n) => n.toString(16).padStart(32, "0")
  const ben = id(1)
  let cy = 2
  while (wishedColour(id(cy)) !== wishedColour(ben)) cy += 1
  let ada = cy + 1
  while (family(wishedColour(id(ada))) === family(wishedColour(ben))) ada += 1
  return [id(ada), ben, id(cy)]
}

/** A browser context whose person has this id (identity.ts keeps it in localStorage). */
async function contextOfPerson(browser, personId, options = {}) {
  const context = await newContext(browser, options)
  await context.addInitScript((id) => window.localStorage.setItem("minutes.person", id), personId)
  return context
}

/** The people a page lists: name -> colour index, in order. */
async function listed(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("[data-testid=presence-list] [data-name]")].map((item) => ({
      name: item.dataset.name,
      color: Number(item.dataset.color),
      self: item.dataset.self === "true",
    })),
  )
}

async function waitForListed(page, names, timeout = WAIT_MS) {
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll("[data-testid=presence-list] [data-name]")].map(
        (item) => item.dataset.name,
      )
      return shown.length === expected.length && expected.every((name) => shown.includes(name))
    },
    names,
    { timeout },
  )
}

/** Waits until `page` no longer lists `name`; returns how long that took since `since`. */
async function waitUntilGone(page, name, since) {
  await page.waitForFunction(
    (gone) =>
      ![...document.querySelectorAll("[data-testid=presence-list] [data-name]")].some(
        (item) => item.dataset.name === gone,
      ),
    name,
    { timeout: LEAVE_WITHIN_MS },
  )
  return Date.now() - since
}

test("a first visit asks for a name, offering the attendees; everyone sees it and the browser remembers it", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("names")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const benContext = await newContext(browser, { colorScheme: "dark", viewport: { width: 390, height: 800 } })
  const ben = await openMeeting(benContext, meeting.links.edit, null)

  const dialog = ben.locator("[data-testid=name-dialog]")
  await dialog.waitFor({ state: "visible", timeout: WAIT_MS })
  const offered = await dialog
    .locator("[data-testid=name-choice]")
    .evaluateAll((choices) => choices.map((choice) => choice.dataset.name))
  assert.deepEqual(offered, ["Ada Chair", "Ben Editor", "Cy Viewer"], "the attendees from the minutes are offered")
  await screenshot(ben, "name-prompt-390-dark")

  // Until Ben answers, the others see someone who has not said their name.
  await waitForListed(ada, ["Ada Chair", "Someone new"])
  await dialog.locator('[data-testid=name-choice][data-name="Ben Editor"]').click()
  await dialog.waitFor({ state: "hidden" })
  await waitForListed(ada, ["Ada Chair", "Ben Editor"])
  assert.equal(await ben.evaluate(() => window.localStorage.getItem("minutes.name")), "Ben Editor")
  assert.equal(await ben.locator("[data-testid=name-current]").textContent(), "Ben Editor")

  // Another name than the attendees' is typed.
  const dee = await openMeeting(await newContext(browser), meeting.links.view, null)
  await dee.locator("[data-testid=name-input]").fill("Dee Guest")
  await dee.locator("[data-testid=name-save]").click()
  await waitForListed(ada, ["Ada Chair", "Ben Editor", "Dee Guest"])
  await waitForListed(ben, ["Ada Chair", "Ben Editor", "Dee Guest"])
  await screenshot(ada, "names-listed")

  // Coming back, the browser knows who it is: no question, the name at once.
  await ben.reload()
  await ben.locator("[data-testid=editor] .cm-content").waitFor({ timeout: WAIT_MS })
  await waitForListed(ben, ["Ada Chair", "Ben Editor", "Dee Guest"])
  assert.equal(await dialog.isVisible(), false, "a stored name means no prompt")

  for (const page of [ada, ben, dee]) assertNoPageErrors(page)
})

test("everyone has a different colour, the same on every page, and keeps it when someone joins", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("colours")
  const browser = await browserFor(t)
  const names = ["Ada Chair", "Ben Editor", "Cy Viewer", "Dee Guest"]
  const links = [meeting.links.chair, meeting.links.edit, meeting.links.view, meeting.links.edit]
  // Cy wishes for the colour Ben, here before her, has: she gets another, and must keep it.
  const ids = idsWhereCyWantsBensColour()
  const pages = []
  for (const [i, name] of names.slice(0, 3).entries()) {
    const context = await contextOfPerson(browser, ids[i], i === 1 ? { colorScheme: "dark" } : {})
    pages.push(await openMeeting(context, links[i], name))
  }
  for (const page of pages) await waitForListed(page, names.slice(0, 3))
  const before = await listed(pages[0])

  pages.push(await openMeeting(await newContext(browser), links[3], names[3]))
  for (const page of pages) await waitForListed(page, names)
  const seen = await Promise.all(pages.map((page) => listed(page)))
  const colorOf = (list) => Object.fromEntries(list.map((person) => [person.name, person.color]))
  for (const [i, list] of seen.entries()) {
    assert.deepEqual(colorOf(list), colorOf(seen[0]), `page ${i + 1} shows the same colours`)
  }
  assert.equal(new Set(Object.values(colorOf(seen[0]))).size, names.length, "four people, four colours")
  for (const person of before) {
    assert.equal(colorOf(seen[0])[person.name], person.color, `${person.name} kept their colour`)
  }

  // Someone who has not put their caret in the text has none on the others' pages, and no line,
  // also once others type (their text moves everyone's selection).
  await cursorAtEndOfLine(pages[1], "Release")
  await pages[1].keyboard.type(" (Ben)", { delay: 60 })
  await waitForEditorText(pages[3], "Release (Ben)")
  // What Dee's page tells the others after that (here with a new name, so that it is seen
  // arriving) says she has no caret: they show none for her, and no line.
  await pages[3].getByTestId("name-change").click()
  await pages[3].getByTestId("name-input").fill("Dee Renamed")
  await pages[3].getByTestId("name-save").click()
  await waitForListed(pages[0], [...names.slice(0, 3), "Dee Renamed"])
  assert.equal(await pages[0].locator(".cm-remote-caret", { hasText: "Dee Renamed" }).count(), 0)
  assert.equal(await pages[0].locator('.person[data-name="Dee Renamed"] .person-meta').textContent(), "editor")
  await pages[3].getByTestId("name-change").click()
  await pages[3].getByTestId("name-input").fill("Dee Guest")
  await pages[3].getByTestId("name-save").click()
  await waitForListed(pages[0], names)

  // The caret of a person has their colour in the list.
  await pages[3].locator("[data-testid=editor] .cm-content").click()
  const adaSeesDee = pages[0].locator(".cm-remote-caret", { hasText: "Dee Guest" })
  await adaSeesDee.waitFor({ timeout: WAIT_MS })
  assert.match(
    await pages[0].locator('.person[data-name="Dee Guest"] .person-meta').textContent(),
    /^editor · line \d+$/,
  )
  assert.match(
    (await adaSeesDee.getAttribute("class")) ?? "",
    new RegExp(`peer-color-${colorOf(seen[0])["Dee Guest"]}\\b`),
  )
  await screenshot(pages[0], "colours-light")
  await screenshot(pages[1], "colours-dark")

  // Ben reloads: on Ada's page nobody's colour changes, neither while he is away nor once he is back.
  const colours = colorOf(await listed(pages[0]))
  const changes = []
  const watching = (async () => {
    for (let seen = 0; seen < 40; seen += 1) {
      const now = colorOf(await listed(pages[0]))
      for (const [name, colour] of Object.entries(now)) {
        if (colour !== colours[name]) changes.push(`${name}: ${colours[name]} -> ${colour}`)
      }
      await pages[0].waitForTimeout(100)
    }
  })()
  await pages[1].reload()
  await pages[1].locator("[data-testid=editor] .cm-content").waitFor({ timeout: WAIT_MS })
  await waitForListed(pages[0], names)
  await watching
  assert.deepEqual(changes, [], "no colour changed on Ada's page while Ben reloaded")
  assert.deepEqual(colorOf(await listed(pages[0])), colours)
  assert.deepEqual(colorOf(await listed(pages[1])), colours, "Ben's page after the reload agrees")

  for (const page of pages) assertNoPageErrors(page)
})

test("someone who closes the page, goes offline or sleeps leaves the list within 10 s and comes back", {
  timeout: 240_000,
}, async (t) => {
  const meeting = await createMeeting("leaving")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.chair, "Ada Chair")
  const benContext = await newContext(browser)
  const ben = await openMeeting(benContext, meeting.links.edit, "Ben Editor")
  const cyContext = await newContext(browser)
  let cy = await openMeeting(cyContext, meeting.links.view, "Cy Viewer")
  await waitForListed(ada, ["Ada Chair", "Ben Editor", "Cy Viewer"])

  // Closing the page says goodbye.
  let since = Date.now()
  await cy.close()
  t.diagnostic(`closed page left the list after ${await waitUntilGone(ada, "Cy Viewer", since)} ms`)
  cy = await openMeeting(cyContext, meeting.links.view, "Cy Viewer")
  await waitForListed(ada, ["Ada Chair", "Ben Editor", "Cy Viewer"])

  // Losing the network says nothing: the heartbeats stop.
  since = Date.now()
  await benContext.setOffline(true)
  t.diagnostic(`offline page left the list after ${await waitUntilGone(ada, "Ben Editor", since)} ms`)
  await waitUntilGone(cy, "Ben Editor", since)
  await screenshot(ada, "presence-ben-offline")
  await benContext.setOffline(false)
  await waitForState(ben, "saved")
  await waitForListed(ada, ["Ada Chair", "Ben Editor", "Cy Viewer"])
  await waitForListed(ben, ["Ada Chair", "Ben Editor", "Cy Viewer"])

  // A sleeping laptop: none of the page's script runs (held by the debugger), its socket stays open.
  const debug = await benContext.newCDPSession(ben)
  await debug.send("Debugger.enable")
  since = Date.now()
  await debug.send("Debugger.pause")
  t.diagnostic(`sleeping page left the list after ${await waitUntilGone(ada, "Ben Editor", since)} ms`)
  await debug.send("Debugger.resume")
  await waitForListed(ada, ["Ada Chair", "Ben Editor", "Cy Viewer"])
  await waitForListed(ben, ["Ada Chair", "Ben Editor", "Cy Viewer"])

  assertNoPageErrors(ada)
  assertNoPageErrors(ben, { allowNetwork: true })
})

test("a caret's name at the editor's right edge opens to the left, inside the editor", {
  timeout: 120_000,
}, async (t) => {
  const meeting = await createMeeting("name at the edge")
  const browser = await browserFor(t)
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
  const ada = await openMeeting(await newContext(browser, phone), meeting.links.chair, "Ada Chair")
  const ben = await openMeeting(
    await newContext(browser, { ...phone, colorScheme: "dark" }),
    meeting.links.edit,
    "Ben Editor",
  )
  await cursorAtEndOfLine(ada, "#### Intro ####")
  await ada.keyboard.press("Enter")
  // Where Ada's caret and name are on Ben's page, and the editor's visible edges (null: no caret yet).
  const adaOnBen = () =>
    ben.evaluate(() => {
      const caret = [...document.querySelectorAll(".cm-remote-caret")].find((c) => c.textContent === "Ada Chair")
      const name = caret?.querySelector(".cm-remote-name")
      if (!caret || !name) return null
      const editor = document.querySelector("[data-testid=editor] .cm-scroller").getBoundingClientRect()
      return {
        caretLeft: caret.getBoundingClientRect().left,
        nameWidth: name.offsetWidth,
        name: name.getBoundingClientRect().toJSON(),
        editor: editor.toJSON(),
      }
    })
  // Ada types until, on Ben's page, her name opened to the right of her caret would stick out by
  // a few pixels (less than a character: a monospace character is wider).
  let typed = ""
  for (;;) {
    const seen = await adaOnBen()
    if (seen && seen.caretLeft + seen.nameWidth > seen.editor.right + 4) break
    assert.ok(typed.length < 80, "the line reached the right edge")
    await ada.keyboard.type("w")
    typed += "w"
    await waitForEditorText(ben, `${typed}\n`)
  }
  await eventually(
    async () => {
      const { name, editor } = await adaOnBen()
      assert.ok(name.right <= editor.right + 0.5, `the name ends at ${name.right}, the editor at ${editor.right}`)
      assert.ok(name.left >= editor.left, `the name starts at ${name.left}, the editor at ${editor.left}`)
    },
    { what: "Ada's name inside Ben's editor" },
  )
  await screenshot(ben, "caret-name-at-the-edge")
  // Back at the start of the line, the name opens to the right again.
  await ada.keyboard.press("Home")
  await eventually(
    async () => {
      const { name, caretLeft } = await adaOnBen()
      assert.ok(name.left >= caretLeft - 2.5, `the name starts at ${name.left}, the caret at ${caretLeft}`)
    },
    { what: "Ada's name to the right of her caret" },
  )

  // Ada sits still: her name leaves the line above free after a few seconds (her caret stays),
  // and comes back when she types.
  const adaNameShown = () =>
    ben.evaluate(() => {
      const caret = [...document.querySelectorAll(".cm-remote-caret")].find((c) => c.textContent === "Ada Chair")
      const name = caret?.querySelector(".cm-remote-name")
      return name ? getComputedStyle(name).visibility === "visible" : null
    })
  assert.equal(await adaNameShown(), true, "right after she moved")
  await ben.waitForFunction(
    () =>
      [...document.querySelectorAll(".cm-remote-caret")].some(
        (c) =>
          c.textContent === "Ada Chair" && getComputedStyle(c.querySelector(".cm-remote-name")).visibility === "hidden",
      ),
    null,
    { timeout: 10_000 },
  )
  await screenshot(ben, "caret-name-resting")
  // Ben types on a line above hers: her caret shifts on his page, but she did not move, so her
  // name stays hidden (it came back on every key of his before).
  await cursorAtEndOfLine(ben, "- Intro")
  const benTyping = ben.keyboard.type(" (done)", { delay: 120 })
  const seen = []
  while (!(await ben.evaluate(() => document.querySelector(".cm-content")?.textContent?.includes("(done)")))) {
    seen.push(await adaNameShown())
    await ben.waitForTimeout(100)
  }
  await benTyping
  seen.push(await adaNameShown())
  assert.ok(!seen.includes(true), `Ada's name stays hidden while Ben types above her: ${seen}`)
  await ada.keyboard.type("x")
  await eventually(async () => assert.equal(await adaNameShown(), true), { what: "Ada's name shown again" })
  for (const page of [ada, ben]) assertNoPageErrors(page)
})
