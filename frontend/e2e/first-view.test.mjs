import assert from "node:assert/strict"
import { test } from "node:test"
import {
  browserFor,
  closeMeeting,
  createMeeting,
  cursorAtEndOfLine,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForConvergence,
  waitForEditorText,
} from "./support/harness.mjs"

const FIRST_VIEW = "[data-testid=editor-loading] .cm-content"

/**
 * Routes a context's sync sockets to the server but holds back what the server sends after its
 * greeting (the `peer` message) until `release()`: the page gets its meeting over HTTP at once and
 * knows the server is there, but gets the document only when released.
 */
async function holdDocument(context) {
  let held = true
  const queued = []
  await context.routeWebSocket(/\/sync/, (socket) => {
    const server = socket.connectToServer()
    let greeted = false
    socket.onMessage((message) => server.send(message))
    server.onMessage((message) => {
      if (held && greeted) queued.push(() => socket.send(message))
      else socket.send(message)
      greeted = true
    })
  })
  return {
    release() {
      held = false
      for (const send of queued.splice(0)) send()
    },
  }
}

/** A page of `context` at `link`, as `name`, not waiting for the editor: these tests look before. */
async function visit(context, link, name) {
  const page = await context.newPage()
  await page.addInitScript((chosen) => window.localStorage.setItem("minutes.name", chosen), name)
  await page.goto(link)
  return page
}

/**
 * Routes a context's sync sockets to the server, holding back everything the server sends (its
 * greeting too) until `ms` after the socket opened: a server that is slow to answer, as one that has
 * just started, or a slow network.
 */
async function greetLate(context, ms) {
  await context.routeWebSocket(/\/sync/, (socket) => {
    const server = socket.connectToServer()
    const answerFrom = Date.now() + ms
    socket.onMessage((message) => server.send(message))
    server.onMessage((message) => {
      setTimeout(() => socket.send(message), Math.max(0, answerFrom - Date.now()))
    })
  })
}

test("a page whose socket the server answers only after a few seconds still opens the meeting", {
  timeout: 120_000,
}, async (t) => {
  // automerge-repo's socket adapter stops waiting for the server after one second, and a document
  // asked for then is "unavailable": the page must ask again once the server is there.
  const meeting = await createMeeting("late greeting")
  const browser = await browserFor(t)
  const context = await newContext(browser)
  await greetLate(context, 2_500)
  const cy = await context.newPage()
  await cy.addInitScript(() => window.localStorage.setItem("minutes.name", "Cy Late"))
  const asked = []
  cy.on("request", (request) => {
    if (new URL(request.url()).pathname === `/api/meetings/${meeting.id}`) asked.push(request.url())
  })
  await cy.goto(meeting.links.edit)

  await cy.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
  // Asked for once, by public/early-meeting.js before the page's script ran; the page took that answer.
  assert.equal(asked.length, 1, asked.join(", "))
  await cursorAtEndOfLine(cy, "#### Intro ####")
  await cy.keyboard.press("Enter")
  await cy.keyboard.type("Cy got here late.", { delay: 120 })
  const text = await waitForConvergence([cy], meeting)
  assert.ok(text.includes("#### Intro ####\nCy got here late.\n"), text)
  await screenshot(cy, "first-view-late-greeting")
  await context.close()
})

test("a meeting's stored text can be written in before its document is loaded, and what the person typed is merged with what others wrote meanwhile", {
  timeout: 180_000,
}, async (t) => {
  const meeting = await createMeeting("first view")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.edit, "Ada Chair")

  for (const colorScheme of ["light", "dark"]) {
    const decision = `Decision ${colorScheme}: ship it.`
    await cursorAtEndOfLine(ada, "#### Intro ####")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type(decision, { delay: 120 })
    await waitForConvergence([ada], meeting)

    const context = await newContext(browser, { colorScheme })
    const held = await holdDocument(context)
    const ben = await visit(context, meeting.links.edit, "Ben Editor")

    // The stored text is there and takes keys, though the document is not: nothing is saved yet.
    const line = ben.locator(`${FIRST_VIEW} .cm-line`, { hasText: decision })
    await line.waitFor({ timeout: WAIT_MS })
    assert.equal(await ben.getAttribute(FIRST_VIEW, "contenteditable"), "true")
    assert.equal(await ben.locator("[data-testid=editor]").count(), 0, "not bound to the document yet")
    await cursorAtEndOfLine(ben, decision, FIRST_VIEW)
    await ben.keyboard.type(" Ben agrees.", { delay: 120 })
    await screenshot(ben, `first-view-${colorScheme}`)

    // Meanwhile Ada writes above that line; Ben's page shows it once the document is there, and
    // his words reach Ada's.
    const agendaNote = ` (${colorScheme} notes)`
    await cursorAtEndOfLine(ada, "- Intro")
    await ada.keyboard.type(agendaNote, { delay: 120 })
    held.release()
    await ben.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
    await waitForEditorText(ben, agendaNote)
    const marks = await ben.evaluate(() =>
      ["minutes:text-shown", "minutes:editor-ready"].map((name) => performance.getEntriesByName(name)[0]?.startTime),
    )
    assert.ok(marks[0] < marks[1], `the text showed before the editor was bound (${marks})`)

    // The caret is still where Ben typed: his next words follow his first.
    await ben.keyboard.type(" Soon.", { delay: 120 })
    const text = await waitForConvergence([ada, ben], meeting)
    assert.ok(text.includes(`${decision} Ben agrees. Soon.\n`), text)
    assert.ok(text.includes(`${agendaNote}\n`), text)
    await screenshot(ben, `first-view-ready-${colorScheme}`)
    await context.close()
  }

  // A viewer's page shows the same text, read-only.
  const viewerContext = await newContext(browser)
  await holdDocument(viewerContext)
  const viewer = await viewerContext.newPage()
  await viewer.goto(meeting.links.view)
  await viewer.locator(`${FIRST_VIEW} .cm-line`).first().waitFor({ timeout: WAIT_MS })
  assert.equal(await viewer.getAttribute(FIRST_VIEW, "contenteditable"), "false")
  await viewerContext.close()
})

test("a person back in a meeting types while this browser's older copy loads, and the server's newer text merges with theirs", {
  timeout: 150_000,
}, async (t) => {
  const meeting = await createMeeting("returning")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), meeting.links.edit, "Ada Chair")
  // Service workers blocked: the script and wasm then come from the server each time, where the
  // wasm can be slowed down below. IndexedDB keeps Ben's copy between his visits all the same.
  const context = await newContext(browser, { serviceWorkers: "block" })
  const firstVisit = await openMeeting(context, meeting.links.edit, "Ben Editor")
  await firstVisit.locator("[data-testid=status-indicator][data-local=stored]").waitFor({ timeout: WAIT_MS })
  await firstVisit.close()

  await cursorAtEndOfLine(ada, "#### Release ####")
  await ada.keyboard.press("Enter")
  await ada.keyboard.type("Ada: notes while Ben was away.", { delay: 60 })
  await waitForConvergence([ada], meeting)

  // Ben comes back: his page shows the server's text at once, Automerge arrives two seconds later
  // and opens his older copy, and the server's changes come only once released.
  await context.route(/\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    await route.continue()
  })
  const held = await holdDocument(context)
  const ben = await visit(context, meeting.links.edit, "Ben Editor")
  await cursorAtEndOfLine(ben, "#### Intro ####", FIRST_VIEW)
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("Ben: back again.", { delay: 100 })
  await new Promise((resolve) => setTimeout(resolve, 2_500)) // his older copy is open by now
  assert.equal(await ben.locator("[data-testid=editor]").count(), 0, "not bound to the older copy")
  held.release()

  await ben.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
  const text = await waitForConvergence([ada, ben], meeting)
  assert.ok(text.includes("#### Intro ####\nBen: back again.\n"), text)
  assert.ok(text.includes("Ada: notes while Ben was away."), text)
  assert.equal(await ben.locator("[data-testid=error-banner]").isVisible(), false)
  await context.close()
})

test("while the document loads, what a person types already shows in the outline and action items", {
  timeout: 120_000,
}, async (t) => {
  const meeting = await createMeeting("outline while loading")
  const browser = await browserFor(t)
  const context = await newContext(browser)
  const held = await holdDocument(context)
  const ben = await visit(context, meeting.links.edit, "Ben Editor")
  await cursorAtEndOfLine(ben, "#### Testing ####", FIRST_VIEW)
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben: tag the release", { delay: 60 })
  await ben.keyboard.press("Enter")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("#### Retro ####", { delay: 60 })

  await ben.locator("[data-testid=action-items] [data-owner=Ben]").waitFor({ timeout: WAIT_MS })
  await ben.locator("[data-testid=outline]", { hasText: "Retro" }).waitFor({ timeout: WAIT_MS })
  assert.equal(await ben.locator("[data-testid=editor]").count(), 0, "not bound to the document yet")

  held.release()
  const text = await waitForConvergence([ben], meeting)
  assert.ok(text.includes("- [ ] Ben: tag the release\n"), text)
  assert.ok(text.includes("#### Retro ####"), text)
  await context.close()
})

test("what a person typed while the meeting loaded is not silently lost when the meeting closed meanwhile", {
  timeout: 120_000,
}, async (t) => {
  const meeting = await createMeeting("closed while loading")
  const browser = await browserFor(t)
  const context = await newContext(browser)
  const held = await holdDocument(context)
  const ben = await visit(context, meeting.links.edit, "Ben Editor")
  await cursorAtEndOfLine(ben, "#### Intro ####", FIRST_VIEW)
  await ben.keyboard.type(" too late", { delay: 80 })

  await closeMeeting(meeting)
  held.release()

  // Whether the page learns of the close before its first write (nothing is written) or after
  // (the server refuses the write), it says that the words are not in the minutes.
  const banner = ben.locator("[data-testid=error-banner]")
  await banner.filter({ hasText: /was not saved|not part of the final minutes/ }).waitFor({ timeout: WAIT_MS })
  await ben.locator("[data-testid=status-indicator][data-state=closed]").waitFor({ timeout: WAIT_MS })
  assert.equal((await editorTextOf(ben)).includes("too late"), false, "the page shows the final text")
  assert.equal((await minutesMarkdown(meeting)).includes("too late"), false)
  await screenshot(ben, "first-view-closed-meanwhile")
  await context.close()
})

async function editorTextOf(page) {
  return page.evaluate(() => document.querySelector("#editor").minutesEditorText())
}
