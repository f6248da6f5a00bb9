// Benchmark (not a test) of the record's history features on a big meeting: three authors write a
// 50,000-change meeting through the official automerge-repo client (src/test/node/client.mjs, one
// change per character, concurrently, with deletions), then a fourth person opens it in headless
// Chromium and we time: opening, "Who wrote what" from toggle to coloured, typing with the colours
// on, the timeline from toggle to shown, and slider steps. Prints one JSON object.
//
//   MINUTES_URL=http://127.0.0.1:PORT node bench/history.mjs      (scripts/bench-history.sh starts a server)
//
// Environment: CHANGES (default 50000), STEPS (slider steps timed, default 30), MINUTES_CHROMIUM.

import { BASE_URL, createMeeting, editorText, launchBrowser, newContext, openMeeting } from "../e2e/support/harness.mjs"
import { OfficialClient, prose } from "./meetingWriter.mjs"

const CHANGES = Number(process.env.CHANGES ?? 50_000)
const STEPS = Number(process.env.STEPS ?? 30)
const AUTHORS = [
  { name: "Ada", after: "#### Intro ####\n" },
  { name: "Ben", after: "#### Release ####\n" },
  { name: "Cy", after: "#### Testing ####\n" },
]
const ROUND_CHARACTERS = 500
/** Each round is written as if over this many seconds of a meeting (the changes' timestamps). */
const ROUND_SECONDS = 210
const TYPED = " Reader adds a remark while everything is coloured."

async function writeMeeting(meeting) {
  const clients = AUTHORS.map(
    () => new OfficialClient(`${BASE_URL.replace(/^http/, "ws")}/sync?token=${meeting.tokens.editor}`),
  )
  await Promise.all(clients.map((client) => client.command("find", { url: meeting.documentUrl })))
  await Promise.all(
    clients.map(async (client, i) => {
      const { actor } = await client.command("actor")
      await client.command("put", { path: ["people", actor], value: AUTHORS[i].name })
    }),
  )
  let written = 3
  let round = 0
  const started = performance.now()
  // The meeting "happened" over the last hours: timestamps as if people typed at a human pace.
  const rounds = Math.ceil((CHANGES - written) / (ROUND_CHARACTERS * AUTHORS.length + AUTHORS.length))
  const meetingStart = Math.floor(Date.now() / 1000) - rounds * ROUND_SECONDS
  while (written < CHANGES) {
    round += 1
    const perAuthor = Math.min(ROUND_CHARACTERS, Math.ceil((CHANGES - written) / AUTHORS.length))
    await Promise.all(
      clients.map(async (client, i) => {
        const { text } = await client.command("text")
        const at = AUTHORS[i].name === "Ada" ? "end" : text.indexOf(AUTHORS[i].after) + AUTHORS[i].after.length
        const typo = `oops${AUTHORS[i].name}${round} `
        const time = meetingStart + (round - 1) * ROUND_SECONDS + i * 5
        const secondsPerChange = (ROUND_SECONDS - 30) / perAuthor
        const typed = typo + prose(AUTHORS[i].name, round, perAuthor - typo.length)
        await client.command("type", { text: typed, at, perChange: 1, time, secondsPerChange })
        // A deletion per round: the typo goes again (one change).
        await client.command("deleteText", { text: typo, time: time + ROUND_SECONDS - 25 })
      }),
    )
    await Promise.all(clients.map((client) => client.command("waitSaved", { timeoutMs: 120_000 })))
    written += perAuthor * AUTHORS.length + AUTHORS.length
  }
  const { text, heads } = await clients[0]
    .command("waitSaved", { timeoutMs: 120_000 })
    .then(() => clients[0].command("text"))
  for (const client of clients) client.close()
  return { seconds: (performance.now() - started) / 1000, length: text.length, heads, rounds: round }
}

/** Types TYPED at the end of the "Release" heading line and returns what the main thread did meanwhile. */
async function typeAndWatch(page) {
  await drain(page)
  await page.locator("[data-testid=editor] .cm-line", { hasText: "#### Release ####" }).first().click()
  await page.keyboard.press("End")
  await page.keyboard.type(TYPED, { delay: 60 })
  return drain(page)
}

function typingSummary({ events, longTasks }) {
  return {
    keystrokes: TYPED.length,
    eventsOver16Ms: events.length ? stats(events) : { n: 0 },
    longTasksMs: longTasks.map(round1),
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { n: sorted.length, median: round1(at(0.5)), p95: round1(at(0.95)), max: round1(sorted[sorted.length - 1]) }
}

const round1 = (value) => Math.round(value * 10) / 10

/** Long tasks (main thread busy > 50 ms) and slow input events, recorded in the page from now on. */
async function watchMainThread(page) {
  await page.evaluate(() => {
    window.benchLongTasks = []
    window.benchEvents = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.benchLongTasks.push(entry.duration)
    }).observe({ type: "longtask", buffered: false })
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.name === "keydown" || entry.name === "keypress" || entry.name === "input")
          window.benchEvents.push(entry.duration)
      }
    }).observe({ type: "event", durationThreshold: 16, buffered: false })
  })
}

async function drain(page) {
  return page.evaluate(() => {
    const result = { longTasks: window.benchLongTasks, events: window.benchEvents }
    window.benchLongTasks = []
    window.benchEvents = []
    return result
  })
}

/** Clicks a toggle and waits (in the page) until `ready()` holds and a frame is painted; ms. */
async function timeUntil(page, selector, readyState) {
  return page.evaluate(
    ({ selector, readyState }) =>
      new Promise((resolve) => {
        const [target, attribute, value] = readyState
        const started = performance.now()
        const check = () => {
          if (document.querySelector(target)?.getAttribute(attribute) === value) {
            requestAnimationFrame(() => resolve(performance.now() - started))
          } else {
            requestAnimationFrame(check)
          }
        }
        document.querySelector(selector).click()
        check()
      }),
    { selector, readyState },
  )
}

async function main() {
  const meeting = await createMeeting("history benchmark", { agenda: ["Intro", "Release", "Testing"] })
  const written = await writeMeeting(meeting)

  const browser = await launchBrowser()
  try {
    const context = await newContext(browser)
    const openStarted = performance.now()
    const page = await openMeeting(context, meeting.links.edit, "Reader")
    await page.waitForFunction(
      (length) => document.querySelector("[data-testid=editor]").minutesEditorText().length === length,
      written.length,
      {
        timeout: 120_000,
      },
    )
    const openMs = performance.now() - openStarted
    await watchMainThread(page)

    const authors = []
    for (let i = 0; i < 3; i += 1) {
      authors.push(
        await timeUntil(page, "[data-testid=authors-toggle]", ["[data-testid=authorship-legend]", "data-state", "on"]),
      )
      const painted = await page.evaluate(() => document.querySelectorAll("[data-testid=editor] .cm-author").length)
      if (painted === 0) throw new Error("authorship painted nothing")
      if (i < 2) await page.click("[data-testid=authors-toggle]")
    }
    const toggleThread = await drain(page)

    // Typing with the colours on, then (after the timeline) with them off, at a brisk human pace.
    const legend = await page.evaluate(() =>
      [...document.querySelectorAll("[data-testid=authorship-legend] .legend-item")].map((item) => item.textContent),
    )

    const typing = await typeAndWatch(page)

    const timelineMs = await timeUntil(page, "[data-testid=history-toggle]", [
      "[data-testid=timeline]",
      "data-state",
      "ready",
    ])
    const points = Number(await page.getAttribute("[data-testid=timeline-slider]", "max")) + 1
    const steps = await page.evaluate(async (count) => {
      const slider = document.querySelector("[data-testid=timeline-slider]")
      const timeline = document.querySelector("[data-testid=timeline]")
      const last = Number(slider.max)
      const times = []
      for (let i = 0; i < count; i += 1) {
        // From the newest backwards, then jumps across the whole range.
        const target = i < count / 2 ? Math.max(0, last - 1 - i) : Math.floor((((i * 7919) % 1000) / 1000) * last)
        if (String(target) === timeline.dataset.point) continue
        const started = performance.now()
        slider.value = String(target)
        slider.dispatchEvent(new Event("input", { bubbles: true }))
        await new Promise((resolve) => {
          const check = () =>
            timeline.dataset.point === String(target) ? requestAnimationFrame(resolve) : requestAnimationFrame(check)
          check()
        })
        times.push(performance.now() - started)
      }
      return times
    }, STEPS)
    const timelineThread = await drain(page)
    await page.click("[data-testid=timeline-close]")
    await page.click("[data-testid=authors-toggle]")
    const typingPlain = await typeAndWatch(page)
    const text = await editorText(page)

    console.log(
      JSON.stringify(
        {
          meeting: {
            changes: CHANGES,
            rounds: written.rounds,
            characters: written.length,
            writeSeconds: round1(written.seconds),
          },
          openMs: round1(openMs),
          authorship: { toggleToColouredMs: authors.map(round1), legend },
          // Event Timing: input events (keydown, keypress, input; three per keystroke) that took 16 ms
          // or more from input to the next paint, with the colours on and off.
          typingWithAuthorship: typingSummary(typing),
          typingWithoutAuthorship: typingSummary(typingPlain),
          mainThreadDuringToggles: { longTasksMs: toggleThread.longTasks.map(round1) },
          timeline: {
            points,
            toggleToShownMs: round1(timelineMs),
            stepMs: stats(steps),
            longTasksMs: timelineThread.longTasks.map(round1),
          },
          readerTextLength: text.length,
        },
        null,
        2,
      ),
    )
  } finally {
    await browser.close()
  }
}

await main()
