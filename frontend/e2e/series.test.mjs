import assert from "node:assert/strict"
import { test } from "node:test"
import {
  assertNoPageErrors,
  BASE_URL,
  browserFor,
  cursorAtEndOfLine,
  editorText,
  eventually,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForState,
  watchProblems,
} from "./support/harness.mjs"

const CREATION_TOKEN = process.env.MINUTES_CREATION_TOKEN ?? ""

async function api(path, { method = "GET", token = null, json } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (json !== undefined) headers["Content-Type"] = "application/json"
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text)
}

/** A series through the API, and its first call on `date`. */
async function seriesWithCall(title, date) {
  const series = await api("/api/series", {
    method: "POST",
    token: CREATION_TOKEN || null,
    json: {
      title,
      chair: "Ada Chair",
      attendees: ["Ben Editor", "Cy Viewer"],
      agenda: ["Intro", "Release"],
      cadenceDays: 7,
    },
  })
  const call = await api(`/api/series/${series.id}/meetings`, {
    method: "POST",
    token: series.tokens.chair,
    json: { date },
  })
  return { series, call }
}

test("a series link opens the call in progress; once closed, the overview lists it with its published minutes", {
  timeout: 240_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E weekly call", "2031-05-06")
  const browser = await browserFor(t)

  // Ben opens the link from the calendar invitation: the call in progress.
  const ben = await openMeeting(await newContext(browser), series.links.edit, "Ben Editor")
  await ben.getByTestId("meeting-subject").filter({ hasText: "Weekly Meeting: 2031-05-06" }).waitFor()
  assert.ok(ben.url().includes(`/s/${series.id}`), "the address stays the series link")
  await ben.getByTestId("series-overview-link").waitFor()
  await cursorAtEndOfLine(ben, "#### Intro ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("- [ ] Ben: write the summary", { delay: 120 })
  await cursorAtEndOfLine(ben, "#### AoB ####")
  await ben.keyboard.press("Enter")
  await ben.keyboard.type("Next call is scheduled for **31st February**.", { delay: 120 })
  await waitForState(ben, "saved")

  // Ada, the chair, opens her series link on the same call and closes it.
  const ada = await openMeeting(await newContext(browser), series.links.chair, "Ada Chair")
  await ada.waitForFunction(
    () => document.querySelector("[data-testid=editor]")?.minutesEditorText().includes("write the summary"),
    null,
    { timeout: WAIT_MS },
  )
  await ada.getByTestId("close-button").click()
  await ada.getByTestId("confirm-close").click()
  await waitForState(ben, "closed")
  await screenshot(ben, "series-call-closed")

  // The same link now opens the overview: the call, its published file, Ben's open item.
  // (Through another page first: a link that differs only after "#" would not load anew.)
  await ben.goto(`${BASE_URL}/`)
  await ben.goto(series.links.edit)
  await ben.getByTestId("series-title").filter({ hasText: "E2E weekly call" }).waitFor()
  const listed = ben.locator(`[data-testid=series-call][data-id="${call.id}"]`)
  await listed.waitFor()
  assert.equal(await listed.getAttribute("data-status"), "closed")
  await eventually(
    async () => {
      await ben.reload()
      const published = await listed.getByTestId("published-link").first().textContent({ timeout: WAIT_MS })
      assert.match(published ?? "", /2031-05-06(-\d+)?\.md/)
    },
    { what: "the published file listed" },
  )
  await ben
    .locator('[data-testid=open-actions] [data-owner="Ben Editor"]')
    .filter({ hasText: "write the summary" })
    .waitFor()
  await ben.getByTestId("series-chart").waitFor()
  assert.equal(await ben.getByTestId("start-call").count(), 0, "only the chair starts calls")
  await screenshot(ben, "series-overview-light")

  // A call of the list opens with the way back to all calls.
  await listed.locator("a.call-date").click()
  await ben.locator("[data-testid=editor] .cm-content").waitFor()
  assert.equal(await ben.getByTestId("meeting-subject").textContent(), "Weekly Meeting: 2031-05-06")
  await ben.getByTestId("series-overview-link").click()
  await listed.waitFor()

  // Ada goes on from her closed call to the next one: the minutes' date is impossible, so the
  // server says it took the cadence.
  await ada.getByTestId("next-call-link").click()
  await ada.getByTestId("start-call").click()
  const notes = ada.getByTestId("start-call-notes")
  await notes.waitFor()
  assert.match(await notes.textContent(), /'31st February' is not a date/)
  assert.match(await ada.getByTestId("start-call-result").textContent(), /is open/)
  await screenshot(ada, "series-next-call-note")
  await ada.getByTestId("open-started-call").click()
  await ada.getByTestId("meeting-subject").filter({ hasText: "Weekly Meeting: 2031-05-13" }).waitFor()
  await ada.locator("[data-testid=editor] .cm-content").waitFor()
  assert.match(await editorText(ada), /- \[ \] Ben: write the summary/, "the open item is carried over")

  for (const page of [ben, ada]) assertNoPageErrors(page)
})

test("the chair reopens a closed call from the overview; the call takes edits again", {
  timeout: 180_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E corrections", "2031-06-03")
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  const browser = await browserFor(t)
  const context = await newContext(browser)
  const ada = await context.newPage()
  await ada.goto(series.links.chair)
  const listed = ada.locator(`[data-testid=series-call][data-id="${call.id}"]`)
  await listed.getByTestId("reopen-call").click()
  await listed.getByTestId("confirm-reopen").click()
  await ada.locator(`[data-testid=series-call][data-id="${call.id}"][data-status=open]`).waitFor()
  assert.match(await listed.textContent(), /reopened for corrections/)
  await screenshot(ada, "series-reopened")

  const editor = await openMeeting(context, `${BASE_URL}/m/${call.id}#token=${series.tokens.editor}`, "Ben Editor")
  await cursorAtEndOfLine(editor, "#### Release ####")
  await editor.keyboard.press("Enter")
  await editor.keyboard.type("Corrected: the release is 2.1.", { delay: 120 })
  await waitForState(editor, "saved")
  assertNoPageErrors(editor)
})

test("a call reopened from its own page, opened through the series links, stays on screen for everyone there", {
  timeout: 180_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E reopen in place", "2031-06-10")
  const browser = await browserFor(t)
  const ada = await openMeeting(await newContext(browser), series.links.chair, "Ada Chair")
  const cy = await openMeeting(await newContext(browser, { colorScheme: "dark" }), series.links.edit, "Cy")
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  for (const page of [ada, cy]) await waitForState(page, "closed")

  await ada.getByTestId("reopen-call").click()
  await ada.getByTestId("confirm-reopen").click()
  // Both pages start over on the call itself (the series link opens only a call in progress,
  // which a reopened call is not), editable again.
  for (const page of [ada, cy]) {
    await page.waitForURL((url) => url.pathname === `/s/${series.id}/calls/${call.id}`, { timeout: WAIT_MS })
    await page.locator("[data-testid=editor] .cm-content").waitFor({ timeout: WAIT_MS })
    await waitForState(page, "saved")
  }
  await cursorAtEndOfLine(cy, "#### Release ####")
  await cy.keyboard.press("Enter")
  await cy.keyboard.type("Corrected after the reopen.", { delay: 100 })
  await waitForState(cy, "saved")
  await ada.locator(".cm-line", { hasText: "Corrected after the reopen." }).waitFor({ timeout: WAIT_MS })
  await screenshot(cy, "series-reopened-in-place-dark")
  for (const page of [ada, cy]) assertNoPageErrors(page)
})

test("at the close the chair is told of action items written as plain lines, and converts them so the series carries them", {
  timeout: 180_000,
}, async (t) => {
  const { series } = await seriesWithCall("E2E habits at the close", "2031-06-17")
  const browser = await browserFor(t)
  const ada = await openMeeting(
    await newContext(browser, { viewport: { width: 390, height: 844 } }),
    series.links.chair,
    "Ada Chair",
  )
  await cursorAtEndOfLine(ada, "#### Release ####")
  await ada.keyboard.press("Enter")
  await ada.keyboard.type("ACTION: Ben to ship release 1.2\n- [ ] Cy Viewer: check the links", { delay: 40 })
  await waitForState(ada, "saved")
  await eventually(
    async () =>
      assert.match(
        await ada.getByTestId("action-items").textContent(),
        /1 open, 0 done\. One more, written as a plain line, counts once it is a checklist item\./,
      ),
    { what: "the count says what it leaves out" },
  )

  await ada.getByTestId("close-button").click()
  const habits = ada.getByTestId("close-habits")
  await habits.waitFor()
  assert.match(await habits.textContent(), /One action item is written as a plain line/)
  await screenshot(ada, "close-dialog-habits-390")
  await habits.getByTestId("convert-habits").click()
  assert.match(await habits.textContent(), /It is a checklist item now/)
  assert.match(await editorText(ada), /\n- \[ \] Ben: ship release 1\.2/)
  await ada.getByTestId("confirm-close").click()
  await waitForState(ada, "closed")

  const after = await api(`/api/series/${series.id}`, { token: series.tokens.chair })
  assert.deepEqual(after.openActions.map((action) => `${action.owner}: ${action.text}`).sort(), [
    "Ben: ship release 1.2",
    "Cy Viewer: check the links",
  ])
  assertNoPageErrors(ada)
})

test("a tab left on the series link after its call closed says when the next call has started, and opens it", {
  timeout: 180_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E next call in an old tab", "2031-06-24")
  const browser = await browserFor(t)
  const cy = await openMeeting(await newContext(browser, { colorScheme: "dark" }), series.links.edit, "Cy Viewer")
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  await waitForState(cy, "closed")
  const next = await api(`/api/series/${series.id}/meetings`, { method: "POST", token: series.tokens.chair, json: {} })

  const offer = cy.getByTestId("series-next-call")
  await offer.waitFor({ timeout: WAIT_MS })
  assert.match(await offer.textContent(), /The next call \(2031-07-01\) has started: open it/)
  await screenshot(cy, "series-next-call-offered-dark")
  await offer.click()
  await cy.waitForURL((url) => url.pathname === `/s/${series.id}/calls/${next.id}`, { timeout: WAIT_MS })
  await cy.getByTestId("meeting-subject").filter({ hasText: "Weekly Meeting: 2031-07-01" }).waitFor()
  await waitForState(cy, "saved")
  assertNoPageErrors(cy)
})

test("an overview left open follows a call started elsewhere; a second chair tab is shown that call, not a refusal", {
  timeout: 180_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E two tabs", "2031-08-05")
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  const browser = await browserFor(t)
  const ben = await (await newContext(browser)).newPage()
  await ben.goto(series.links.edit)
  const secondTab = await (await newContext(browser)).newPage()
  await secondTab.goto(series.links.chair)
  for (const page of [ben, secondTab]) {
    await page.getByTestId("series-current").filter({ hasText: "No call is in progress." }).waitFor()
  }
  // An attendee can only wait, and is told the page follows; the chair gets the start form instead.
  assert.equal(await ben.getByTestId("series-waiting").textContent(), "When the chair starts the call, it shows here.")
  assert.equal(await secondTab.getByTestId("series-waiting").count(), 0)

  // Ben has tabbed to the closed call's link when Ada starts the next call from her other tab
  // (here: the API, as that tab would).
  const closedCall = ben.locator(`[data-testid=series-call][data-id="${call.id}"] a.call-date`)
  await closedCall.focus()
  const next = await api(`/api/series/${series.id}/meetings`, { method: "POST", token: series.tokens.chair, json: {} })

  // Ben never reloads: his overview shows the call in progress, with its link, and the keyboard
  // is still on the link he was on.
  await ben.getByTestId("series-current").filter({ hasText: "is in progress" }).waitFor({ timeout: 40_000 })
  await ben.getByTestId("open-current-call").waitFor()
  assert.equal(
    await ben.evaluate(() => document.activeElement?.closest("[data-testid=series-call]")?.getAttribute("data-id")),
    call.id,
    "the keyboard stays on the closed call's link",
  )

  // The stale tab's start is refused by the server; the page shows the open call instead.
  await secondTab.getByTestId("start-call").click()
  const result = secondTab.getByTestId("start-call-result")
  await result.waitFor()
  assert.match(await result.textContent(), /is open already/)
  assert.equal(await secondTab.locator(".form-error:visible").count(), 0, "no error shown")
  await secondTab.getByTestId("open-started-call").click()
  await secondTab.locator("[data-testid=editor] .cm-content").waitFor()
  assert.match(await secondTab.getByTestId("meeting-subject").textContent(), new RegExp(next.date))
  await screenshot(ben, "series-overview-followed")
})

test("the overview in the dark and on a phone", { timeout: 120_000 }, async (t) => {
  const { series, call } = await seriesWithCall("E2E looks", "2031-07-01")
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  const browser = await browserFor(t)
  for (const [name, options] of [
    ["series-overview-dark", { colorScheme: "dark" }],
    ["series-overview-390", { viewport: { width: 390, height: 844 } }],
  ]) {
    const page = await (await newContext(browser, options)).newPage()
    await page.goto(series.links.chair)
    await page.getByTestId("series-chart").waitFor()
    await screenshot(page, name)
  }
})

test("a link to a call that is not the series' names the problem instead of opening the call in progress", {
  timeout: 120_000,
}, async (t) => {
  const { series, call } = await seriesWithCall("E2E wrong call", "2031-07-08")
  const other = await seriesWithCall("E2E other series", "2031-07-08")
  const browser = await browserFor(t)
  const page = watchProblems(await (await newContext(browser)).newPage())
  const callLink = (meetingId) =>
    `${BASE_URL}/s/${encodeURIComponent(series.id)}/calls/${encodeURIComponent(meetingId)}#token=${encodeURIComponent(series.tokens.editor)}`

  for (const [what, meetingId] of [
    ["a mistyped call", `${call.id.slice(0, -2)}xx`],
    ["a call of another series", other.call.id],
  ]) {
    await page.goto(callLink(meetingId))
    await page.getByTestId("problem-page").waitFor({ timeout: WAIT_MS })
    assert.match(await page.getByTestId("error-banner").innerText(), /not part of the series/, what)
    assert.equal(await page.locator("[data-testid=editor]").count(), 0, `${what}: no editor opened`)
  }
  await screenshot(page, "series-wrong-call")

  // The way on is the series' list of calls, with its call in progress.
  await page.getByTestId("problem-next").click()
  await page.getByTestId("series-chart").waitFor({ timeout: WAIT_MS })
  assert.match(await page.locator("main").innerText(), /2031-07-08|Jul/)
  assertNoPageErrors(page)
})

test("the start page creates a series whose calls publish its description and author", {
  timeout: 120_000,
}, async (t) => {
  const browser = await browserFor(t)
  const page = await (await newContext(browser)).newPage()
  await page.goto(`${BASE_URL}/`)
  await page.getByTestId("field-series-title").fill("E2E site call")
  await page.getByTestId("field-series-chair").fill("Ada Chair")
  await page.getByTestId("field-series-attendees").fill("Ben Editor")
  await page.getByTestId("field-series-agenda").fill("Releases")
  await page.getByTestId("field-series-description").fill("Developer call of the site")
  await page
    .locator("details", { has: page.getByTestId("field-series-author-uri") })
    .locator("summary")
    .click()
  await page.getByTestId("field-series-author-uri").fill("https://example.org/ada")
  await page.getByTestId("field-series-author-email").fill("ada@example.org")
  const tokenField = page.getByTestId("field-creation-token")
  if (CREATION_TOKEN) {
    await page.getByTestId("series-submit").click()
    await tokenField.waitFor({ state: "visible" })
    await tokenField.fill(CREATION_TOKEN)
  }
  await page.getByTestId("series-submit").click()
  const chairLink = page.getByTestId("link-chair")
  await chairLink.waitFor({ timeout: WAIT_MS })
  await screenshot(page, "series-created")
  const link = new URL(await chairLink.getAttribute("href"), BASE_URL)
  const seriesId = decodeURIComponent(link.pathname.split("/")[2] ?? "")
  const chairToken = new URLSearchParams(link.hash.slice(1)).get("token")

  const call = await api(`/api/series/${seriesId}/meetings`, {
    method: "POST",
    token: chairToken,
    json: { date: "2031-07-15" },
  })
  const response = await fetch(`${BASE_URL}/api/meetings/${call.id}/minutes.md`, {
    headers: { Authorization: `Bearer ${chairToken}` },
  })
  const markdown = await response.text()
  t.diagnostic(markdown.split("---")[1] ?? markdown)
  assert.ok(
    markdown.includes("author:\n  name: Ada Chair\n  uri: https://example.org/ada\n  email: ada@example.org\n"),
    "the series' author",
  )
  assert.ok(markdown.includes("\ndescription: 'Developer call of the site'\n"), "the series' description")
})

test("a long series lists its newest calls first, and all of them on asking", { timeout: 180_000 }, async (t) => {
  const { series, call } = await seriesWithCall("E2E a year of calls", "2031-01-07")
  const ids = [call.id]
  await api(`/api/meetings/${call.id}/close`, { method: "POST", token: series.tokens.chair })
  for (let week = 1; week < 13; week += 1) {
    const next = await api(`/api/series/${series.id}/meetings`, {
      method: "POST",
      token: series.tokens.chair,
      json: {},
    })
    ids.push(next.id)
    await api(`/api/meetings/${next.id}/close`, { method: "POST", token: series.tokens.chair })
  }
  const browser = await browserFor(t)
  const page = watchProblems(await (await newContext(browser, { viewport: { width: 390, height: 844 } })).newPage())
  await page.goto(series.links.view)
  const listed = () => page.locator("[data-testid=series-call]").evaluateAll((items) => items.map((i) => i.dataset.id))
  const more = page.getByTestId("show-all-calls")
  await more.waitFor({ timeout: WAIT_MS })
  assert.deepEqual(await listed(), ids.slice(1).reverse(), "the twelve newest, newest first")
  assert.equal(await more.textContent(), "Show all 13 calls")
  assert.equal(await page.locator(".call-list").getAttribute("start"), "13", "numbered as the whole series")

  await more.click()
  assert.deepEqual(await listed(), [...ids].reverse())
  assert.equal(await more.count(), 0)
  assert.equal(
    await page.evaluate(() => document.activeElement?.closest("[data-testid=series-call]")?.getAttribute("data-id")),
    ids[0],
    "the keyboard is on the first call shown now",
  )
  await screenshot(page, "series-all-calls-390")
  assertNoPageErrors(page)
})
