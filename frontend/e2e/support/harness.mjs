// Shared pieces of the browser tests: the server under test (MINUTES_URL), Debian's Chromium
// driven by playwright-core, the meeting API, and waits that poll a condition until it holds.

import assert from "node:assert/strict"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"

export const BASE_URL = serverUnderTest()
const CREATION_TOKEN = process.env.MINUTES_CREATION_TOKEN ?? ""
const CHROMIUM = process.env.MINUTES_CHROMIUM ?? "/usr/bin/chromium"
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts")

/** Default time a condition may take to become true. Generous: CI machines have 2 cores. */
export const WAIT_MS = 30_000

function serverUnderTest() {
  const url = process.env.MINUTES_URL
  if (!url) {
    throw new Error(
      "Set MINUTES_URL to the server under test (e.g. http://127.0.0.1:8080); " +
        "the Maven build runs this suite through PageEndToEndTest.",
    )
  }
  return url.replace(/\/+$/, "")
}

// ---- browser ----

/**
 * Debian's Chromium (never a downloaded browser). playwright-core's launch() gives every browser
 * a fresh temporary profile (user-data-dir), and each context its own storage (IndexedDB,
 * localStorage), so two contexts are two different people's browsers.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  })
}

/** A browser for one test, closed when the test ends. */
export async function browserFor(t) {
  const browser = await launchBrowser()
  t.after(() => browser.close())
  return browser
}

export async function newContext(browser, options = {}) {
  return browser.newContext({ viewport: { width: 1280, height: 860 }, ...options })
}

/**
 * Opens a meeting link in a new page of `context` and waits until the editor is there. The person's
 * name is set beforehand, as if they had chosen it on an earlier visit (null: a first visit, the
 * page asks for it).
 */
export async function openMeeting(context, link, name) {
  const page = watchProblems(await context.newPage())
  if (name !== null) await page.addInitScript((chosen) => window.localStorage.setItem("minutes.name", chosen), name)
  await page.goto(link)
  await page.locator("[data-testid=editor] .cm-content").waitFor({ timeout: WAIT_MS })
  return page
}

/** Collects `page`'s uncaught errors and console errors for {@link assertNoPageErrors}. */
export function watchProblems(page) {
  const problems = []
  page.on("pageerror", (error) => problems.push(error.message))
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text())
  })
  page.minutesProblems = problems
  return page
}

/** The whole editor text (CodeMirror renders only visible lines, so the DOM is not enough). */
export async function editorText(page) {
  return page.evaluate(() => document.querySelector("[data-testid=editor]").minutesEditorText())
}

/** Waits until the editor text contains `text`. */
export async function waitForEditorText(page, text, timeout = WAIT_MS) {
  await page.waitForFunction(
    (expected) => document.querySelector("[data-testid=editor]").minutesEditorText().includes(expected),
    text,
    { timeout },
  )
}

export async function indicator(page) {
  return page.evaluate(() => {
    const element = document.querySelector("[data-testid=status-indicator]")
    return {
      text: element?.textContent ?? "",
      state: element?.dataset.state ?? "",
      local: element?.dataset.local ?? "",
    }
  })
}

/** Waits until the indicator's data-state is `state`. */
export async function waitForState(page, state, timeout = WAIT_MS) {
  await page.waitForFunction(
    (expected) => document.querySelector("[data-testid=status-indicator]")?.dataset.state === expected,
    state,
    { timeout },
  )
}

/** Waits until the page is offline with at least one edit pending and every edit stored locally; returns N. */
export async function waitForPendingOffline(page, timeout = WAIT_MS) {
  const handle = await page.waitForFunction(
    () => {
      const element = document.querySelector("[data-testid=status-indicator]")
      const match = /^offline \((\d+) edits pending\)$/.exec(element?.textContent ?? "")
      if (!match || element.dataset.state !== "offline" || element.dataset.local !== "stored") return false
      const pending = Number(match[1])
      return pending > 0 ? pending : false
    },
    null,
    { timeout },
  )
  return handle.jsonValue()
}

/**
 * The published minutes once `page`'s close is done: its page shows a final file only after the
 * close request answered, and only then is minutes.md the final version (the name, and with it the
 * permalink, is settled by the close: another meeting may hold the date).
 */
export async function closedMinutesMarkdown(page, meeting, timeout = WAIT_MS) {
  await page.waitForFunction(() => document.querySelector("[data-testid=final-text]")?.textContent !== "", null, {
    timeout,
  })
  return minutesMarkdown(meeting)
}

/** Waits until the page shows `markdown` as the final minutes file (after close). */
export async function waitForFinalText(page, markdown, timeout = WAIT_MS) {
  await page.waitForFunction(
    (expected) => document.querySelector("[data-testid=final-text]")?.textContent === expected,
    markdown,
    { timeout },
  )
}

/** Records every data-state the indicator takes from now on (read back with `recordedStates`). */
export async function recordStates(page) {
  await page.evaluate(() => {
    const element = document.querySelector("[data-testid=status-indicator]")
    window.minutesStates = [element.dataset.state]
    new MutationObserver(() => {
      const state = element.dataset.state
      if (window.minutesStates.at(-1) !== state) window.minutesStates.push(state)
    }).observe(element, { attributes: true, attributeFilter: ["data-state"] })
  })
}

export async function recordedStates(page) {
  return page.evaluate(() => window.minutesStates)
}

/** Puts the cursor at the end of the first line containing `text`. */
/** `within`: the editor's content element (the bound editor's by default). */
export async function cursorAtEndOfLine(page, text, within = "[data-testid=editor] .cm-content") {
  await page.locator(`${within} .cm-line`, { hasText: text }).first().click()
  await page.keyboard.press("End")
}

export async function cursorAtEndOfDocument(page) {
  await page.locator("[data-testid=editor] .cm-content").click()
  await page.keyboard.press("Control+End")
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage })
}

/** No uncaught errors on the page (console errors of failed network requests while offline are expected). */
export function assertNoPageErrors(page, { allowNetwork = false } = {}) {
  const problems = page.minutesProblems.filter(
    (problem) => !(allowNetwork && /net::ERR_|WebSocket|Failed to fetch|ERR_INTERNET_DISCONNECTED/i.test(problem)),
  )
  assert.deepEqual(problems, [], "the page reported errors")
}

// ---- API ----

async function request(path, { method = "GET", token = null, json, markdown } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  let body
  if (json !== undefined) {
    headers["Content-Type"] = "application/json"
    body = JSON.stringify(json)
  } else if (markdown !== undefined) {
    headers["Content-Type"] = "text/markdown"
    body = markdown
  }
  const response = await fetch(`${BASE_URL}${path}`, { method, headers, body })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return text
}

let meetingNumber = 0

/** Creates a meeting through the API (each test its own). */
export async function createMeeting(testName, overrides = {}) {
  meetingNumber += 1
  const text = await request("/api/meetings", {
    method: "POST",
    token: CREATION_TOKEN || null,
    json: {
      date: `2031-03-0${(meetingNumber % 9) + 1}`,
      subject: `E2E ${testName}`,
      description: `Browser test: ${testName}`,
      author: { name: "Ada Chair", uri: "", email: "" },
      chair: "Ada Chair",
      attendees: ["Ben Editor", "Cy Viewer"],
      agenda: ["Intro", "Release", "Testing"],
      ...overrides,
    },
  })
  return JSON.parse(text)
}

/** Closes the meeting as its chair, through the API. */
export async function closeMeeting(meeting) {
  return JSON.parse(
    await request(`/api/meetings/${encodeURIComponent(meeting.id)}/close`, {
      method: "POST",
      token: meeting.tokens.chair,
    }),
  )
}

export async function minutesMarkdown(meeting, role = "editor") {
  return request(`/api/meetings/${encodeURIComponent(meeting.id)}/minutes.md`, { token: meeting.tokens[role] })
}

export async function meetingInfo(meeting, role = "editor") {
  return JSON.parse(await request(`/api/meetings/${encodeURIComponent(meeting.id)}`, { token: meeting.tokens[role] }))
}

/** The body of a published minutes file: what follows the front matter's closing `---` line. */
export function bodyOf(markdown) {
  assert.ok(markdown.startsWith("---\n"), "minutes.md starts with front matter")
  const end = markdown.indexOf("\n---\n", 3)
  assert.ok(end > 0, "minutes.md front matter is closed")
  return markdown.slice(end + 5)
}

// ---- waiting ----

/** Retries `check` (which throws while its condition does not hold) until it passes or time runs out. */
export async function eventually(check, { timeout = WAIT_MS, what = "condition" } = {}) {
  const deadline = Date.now() + timeout
  let lastError
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await check()
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not hold within ${timeout} ms: ${lastError?.message ?? lastError}`, {
        cause: lastError,
      })
    }
    // Polling, not a fixed wait: the check itself is the condition.
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 250)))
  }
}

/**
 * Waits until every page shows the same text, every indicator says saved, and the server's
 * minutes.md body is that same text. Returns the text.
 */
export async function waitForConvergence(pages, meeting, timeout = WAIT_MS) {
  return eventually(
    async () => {
      const texts = await Promise.all(pages.map((page) => editorText(page)))
      for (const text of texts.slice(1)) assert.equal(text, texts[0], "pages show the same text")
      for (const page of pages) assert.equal((await indicator(page)).text, "saved", "indicator says saved")
      assert.equal(bodyOf(await minutesMarkdown(meeting)), texts[0], "server body equals the pages' text")
      return texts[0]
    },
    { timeout, what: "convergence of all pages with the server" },
  )
}

// ---- typed text ----

/** A deterministic string of `length` characters drawn from `alphabet`. */
export function typedText(alphabet, length, seed) {
  let state = seed >>> 0 || 1
  let out = ""
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    out += alphabet[(state >>> 8) % alphabet.length]
  }
  return out
}

export function countsOf(text, alphabet) {
  const counts = Object.fromEntries([...alphabet].map((c) => [c, 0]))
  for (const c of text) if (c in counts) counts[c] += 1
  return counts
}

/** Asserts `after` holds exactly the characters of `before` plus everything in `typed` (per alphabet letter). */
export function assertNothingLost(before, after, typed, alphabet) {
  const start = countsOf(before, alphabet)
  const end = countsOf(after, alphabet)
  const added = countsOf(typed.join(""), alphabet)
  for (const c of alphabet) assert.equal(end[c] - start[c], added[c], `every typed "${c}" arrived exactly once`)
  assert.equal(after.length, before.length + typed.join("").length, "no character lost or duplicated")
}

export const ALPHA_A = "abcdefghijklm"
export const ALPHA_B = "NOPQRSTUVWXYZ"
