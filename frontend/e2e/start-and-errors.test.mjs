import assert from "node:assert/strict"
import { test } from "node:test"
import { BASE_URL, WAIT_MS, browserFor, createMeeting, newContext, screenshot } from "./support/harness.mjs"

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

test("bad links are explained in words, not codes", { timeout: 90_000 }, async (t) => {
  const meeting = await createMeeting("bad links")
  const browser = await browserFor(t)
  const page = await (await newContext(browser)).newPage()

  await page.goto(`${BASE_URL}/m/${meeting.id}#token=not-a-real-token`)
  const banner = page.getByTestId("error-banner")
  await banner.waitFor({ state: "visible", timeout: WAIT_MS })
  assert.match(await banner.textContent(), /link is not valid/i)
  await screenshot(page, "error-bad-token")

  await page.goto(`${BASE_URL}/m/${meeting.id}`)
  await page.reload()
  await banner.waitFor({ state: "visible", timeout: WAIT_MS })
  assert.match(await banner.textContent(), /no access token/i)

  const other = await createMeeting("another meeting")
  await page.goto(`${BASE_URL}/m/${meeting.id}#token=${other.tokens.editor}`)
  await page.reload()
  await banner.waitFor({ state: "visible", timeout: WAIT_MS })
  assert.match(await banner.textContent(), /another meeting/i)
})
