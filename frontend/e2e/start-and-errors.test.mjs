import assert from "node:assert/strict"
import { test } from "node:test"
import {
  BASE_URL,
  bodyOf,
  browserFor,
  createMeeting,
  editorText,
  minutesMarkdown,
  newContext,
  openMeeting,
  screenshot,
  WAIT_MS,
  waitForState,
} from "./support/harness.mjs"

test("the start page creates a meeting and shows its three links", { timeout: 90_000 }, async (t) => {
  const browser = await browserFor(t)
  const page = await (await newContext(browser)).newPage()
  await page.goto(`${BASE_URL}/`)
  await page.getByTestId("field-date").fill("2031-04-01")
  await page.getByTestId("field-chair").fill("Ada Chair")
  await page.getByTestId("field-subject").fill("Weekly Meeting: 2031-04-01")
  await page.getByTestId("field-attendees").fill("Ben Editor\nCy Viewer")
  await page.getByTestId("field-agenda").fill("Intro\nRelease")
  const tokenField = page.getByTestId("field-creation-token")
  if (process.env.MINUTES_CREATION_TOKEN) {
    await page.getByTestId("create-submit").click()
    await tokenField.waitFor({ state: "visible" })
    await tokenField.fill(process.env.MINUTES_CREATION_TOKEN)
  }
  await page.getByTestId("create-submit").click()
  const links = {}
  for (const role of ["chair", "edit", "view"]) {
    const link = page.getByTestId(`link-${role}`)
    await link.waitFor({ timeout: WAIT_MS })
    links[role] = await link.getAttribute("href")
    assert.match(links[role], /\/m\/[^/#]+#token=.+/, `the ${role} link carries its token in the fragment`)
  }
  assert.equal(new Set(Object.values(links)).size, 3, "three different links")
  await screenshot(page, "start-links")

  await page.getByTestId("open-as-chair").click()
  await page.getByTestId("close-button").waitFor({ timeout: WAIT_MS })
  assert.equal(await page.getByTestId("meeting-subject").textContent(), "Weekly Meeting: 2031-04-01")
  assert.equal(await page.getByTestId("role-badge").textContent(), "Chair")
})

/**
 * A problem page, not a meeting page stuck loading: the explanation matching `pattern`, a way back
 * to the start page, and nothing of the meeting page around it.
 */
async function assertProblemPage(page, pattern) {
  const banner = page.getByTestId("error-banner")
  await banner.waitFor({ state: "visible", timeout: WAIT_MS })
  assert.match(await banner.textContent(), pattern)
  assert.equal(await page.getByTestId("problem-page").isVisible(), true)
  assert.equal(await page.getByTestId("start-link").getAttribute("href"), "/")
  assert.equal(await page.getByTestId("meeting-subject").count(), 0, "no meeting header left loading")
  assert.equal(await page.getByTestId("editor").count(), 0, "no empty editor or panels")
  assert.doesNotMatch(await page.locator("body").textContent(), /Loading the meeting/)
}

test("bad links and unknown addresses end on a page that says what happened and leads back", {
  timeout: 90_000,
}, async (t) => {
  const meeting = await createMeeting("bad links")
  const browser = await browserFor(t)
  const page = await (await newContext(browser)).newPage()

  await page.goto(`${BASE_URL}/m/${meeting.id}#token=not-a-real-token`)
  await assertProblemPage(page, /link is not valid/i)
  await screenshot(page, "error-bad-token")

  await page.goto(`${BASE_URL}/m/${meeting.id}`)
  await page.reload()
  await assertProblemPage(page, /no access token/i)

  const other = await createMeeting("another meeting")
  await page.goto(`${BASE_URL}/m/${meeting.id}#token=${other.tokens.editor}`)
  await page.reload()
  await assertProblemPage(page, /another meeting/i)

  await page.goto(`${BASE_URL}/m/no-such-meeting#token=${other.tokens.editor}`)
  await assertProblemPage(page, /does not exist/i)

  // A series link that leads nowhere ends on the same page, in the series' words.
  await page.goto(`${BASE_URL}/s/no-such-series#token=${other.tokens.editor}`)
  await page.reload()
  await assertProblemPage(page, /this series does not exist/i)

  // A first visit (no service worker yet) gets the server's answer; later ones the cached page, same view.
  const firstVisit = await (await newContext(browser)).newPage()
  const response = await firstVisit.goto(`${BASE_URL}/nope`)
  assert.equal(response.status(), 404, "an unknown address answers 404")
  await assertProblemPage(firstVisit, /no page here/i)
  await screenshot(firstVisit, "error-not-found")
  await page.goto(`${BASE_URL}/nope`)
  await assertProblemPage(page, /no page here/i)

  await firstVisit.getByTestId("start-link").click()
  await firstVisit.getByTestId("create-submit").waitFor({ timeout: WAIT_MS })
})

const PUBLISHED = `---
updated: 2031-05-06
author:
  name: Ada Chair
  uri: http://example.org
  email: ada@example.org
subject: 'Weekly Meeting: 2031-05-06'
permalink: weekly-2031-05-06
description: '6th May 2031: Import test'
---

### Agenda ###

- Imports

Attendees: Ada Chair (chair) and Ben Editor


### Notes ###

#### Imports ####

Trailing spaces stay.  
- [ ] Ben: check the import

`

test("a published minutes file imported from the start page opens with exactly its text", {
  timeout: 90_000,
}, async (t) => {
  const browser = await browserFor(t)
  const context = await newContext(browser)
  const page = await context.newPage()
  await page.goto(`${BASE_URL}/`)
  if (process.env.MINUTES_CREATION_TOKEN) {
    await page.getByTestId("field-import-text").fill(PUBLISHED)
    await page.getByTestId("import-submit").click()
    await page.getByTestId("field-creation-token").fill(process.env.MINUTES_CREATION_TOKEN)
  }
  await page.getByTestId("field-import-text").fill(PUBLISHED)
  await page.getByTestId("import-submit").click()
  const editLink = await page.getByTestId("link-edit").getAttribute("href", { timeout: WAIT_MS })
  const id = /\/m\/([^/#]+)#token=(.+)$/.exec(editLink)
  assert.ok(id, "the edit link names the meeting and carries a token")

  const meetingPage = await openMeeting(context, editLink, "Ben Editor")
  await waitForState(meetingPage, "saved")
  assert.equal(await editorText(meetingPage), bodyOf(PUBLISHED))
  assert.equal(await meetingPage.getByTestId("meeting-subject").textContent(), "Weekly Meeting: 2031-05-06")
  await meetingPage.locator("[data-testid=action-items] [data-owner=Ben]").waitFor()
  const meeting = { id: id[1], tokens: { editor: decodeURIComponent(id[2]) } }
  assert.equal(await minutesMarkdown(meeting), PUBLISHED, "the server renders the imported file byte for byte")
})
