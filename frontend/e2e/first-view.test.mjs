import assert from "node:assert/strict"
import { test } from "node:test"
import {
  browserFor,
  createMeeting,
  cursorAtEndOfLine,
  editorText,
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
  await cy.goto(meeting.links.edit)

  await cy.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
  await cursorAtEndOfLine(cy, "#### Intro ####")
  await cy.keyboard.press("Enter")
  await cy.keyboard.type("Cy got here late.", { delay: 120 })
  const text = await waitForConvergence([cy], meeting)
  assert.ok(text.includes("#### Intro ####\nCy got here late.\n"), text)
  await screenshot(cy, "first-view-late-greeting")
  await context.close()
})

test("a meeting's stored text shows read-only before its document is loaded, then becomes editable with the caret where the person clicked", {
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
    const ben = await context.newPage()
    await ben.addInitScript(() => window.localStorage.setItem("minutes.name", "Ben Editor"))
    await ben.goto(meeting.links.edit)

    // The stored text is there, read-only, and the page offers no editor yet.
    const line = ben.locator(`${FIRST_VIEW} .cm-line`, { hasText: decision })
    await line.waitFor({ timeout: WAIT_MS })
    assert.equal(await ben.getAttribute(FIRST_VIEW, "contenteditable"), "false")
    assert.equal(await ben.locator("[data-testid=editor]").count(), 0, "no editor while the document loads")
    await screenshot(ben, `first-view-${colorScheme}`)
    await line.click()
    await ben.keyboard.type("lost")
    assert.ok(!(await editorTextOf(ben)).includes("lost"), "keys typed before the editor is ready go nowhere")

    // Meanwhile Ada writes above that line; Ben's page shows it once the document is there.
    const agendaNote = ` (${colorScheme} notes)`
    await cursorAtEndOfLine(ada, "- Intro")
    await ada.keyboard.type(agendaNote, { delay: 120 })
    held.release()
    await ben.locator("[data-testid=editor] .cm-content[contenteditable=true]").waitFor({ timeout: WAIT_MS })
    await waitForEditorText(ben, agendaNote)
    const marks = await ben.evaluate(() =>
      ["minutes:text-shown", "minutes:editor-ready"].map((name) => performance.getEntriesByName(name)[0]?.startTime),
    )
    assert.ok(marks[0] < marks[1], `the text showed before the editor was ready (${marks})`)

    // The caret is still where Ben clicked, at the end of the decision: his words follow it.
    await ben.keyboard.type(" Ben agrees.", { delay: 120 })
    const text = await waitForConvergence([ada, ben], meeting)
    assert.ok(text.includes(`${decision} Ben agrees.\n`), text)
    await screenshot(ben, `first-view-ready-${colorScheme}`)
    await context.close()
  }
  assert.equal((await editorText(ada)).includes("lost"), false)
})

async function editorTextOf(page) {
  return page.evaluate(() => document.querySelector("#editor").minutesEditorText())
}
