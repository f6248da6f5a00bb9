// Benchmark (not a test) of opening a long meeting in the page: for each size N, three authors grow
// a meeting to N changes with the official client (bench/meetingWriter.mjs), then a new person opens
// its edit link in headless Chromium with a fresh profile, RUNS times, and we read in the page:
//
//   readable  navigation -> the first painted frame showing the meeting's current text
//   editable  navigation -> the first painted frame with the whole text in an editable editor
//   bound     navigation -> the editor bound to the document, what is typed now saved as it is typed
//             (the page's own `minutes:editor-ready` mark)
//
// Both are observed the same way for any build of the page (a check on every animation frame,
// installed before the page's own scripts), so a build before and after a change compare fairly;
// the marks the page sets itself (`minutes:*`, performance.mark) are printed beside them. Also:
// bytes the page received (its files, the HTTP API, the WebSocket), long tasks, and with TRACE=1 one
// more run under Chromium's tracing (timeline + V8 sampling profiler) summarised: main-thread time by
// kind of work and the functions that took the most time (build the page unminified for names).
//
//   MINUTES_URL=http://127.0.0.1:PORT node bench/page-open.mjs   (scripts/bench-page-open.sh starts a server)
//
// Environment: SIZES (default "20000,50000"), RUNS (default 3), LATENCY_MS (a network's round trip
// added to every request, Chromium's emulation; WebSocket frames are not delayed), TRACE=1, TRACE_DIR (keep the raw traces),
// MEETINGS_FILE (the meetings written are kept there, and reused by a later run against the same
// server data: compare two builds of the page on the same meetings), MINUTES_CHROMIUM.
// Prints one JSON object.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BASE_URL, createMeeting, launchBrowser, newContext } from "../e2e/support/harness.mjs"
import { WRITER_AGENDA, writeMeeting } from "./meetingWriter.mjs"

const SIZES = (process.env.SIZES ?? "20000,50000").split(",").map(Number)
const RUNS = Number(process.env.RUNS ?? 3)
const TRACE = process.env.TRACE === "1"
const TRACE_DIR = process.env.TRACE_DIR ?? null
const MEETINGS_FILE = process.env.MEETINGS_FILE ?? null
const OPEN_TIMEOUT_MS = 120_000
/** A network between the browser and the server: this long between each request and its response (Chromium's emulation). */
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 0)

/** Installed before the page's scripts: records when the text shows and when it becomes editable. */
function watchOpening({ firstLines, length }) {
  const seen = { readable: null, editable: null, longTasks: [] }
  window.benchOpening = seen
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      seen.longTasks.push([Math.round(entry.startTime), Math.round(entry.duration)])
  }).observe({ type: "longtask" })
  const check = () => {
    const content = document.querySelector("#editor .cm-content")
    const now = performance.now()
    if (seen.readable === null && content?.textContent.startsWith(firstLines)) seen.readable = now
    if (seen.editable === null && content?.getAttribute("contenteditable") === "true") {
      // The editor's element, bound to the document or not yet: what counts is that a person can type.
      const host = document.querySelector("#editor")
      if (host?.minutesEditorText?.().length === length) seen.editable = now
    }
    if (seen.readable === null || seen.editable === null) requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
}

async function openOnce(browser, meeting, written, trace) {
  const context = await newContext(browser)
  const page = await context.newPage()
  if (LATENCY_MS > 0) {
    const cdp = await context.newCDPSession(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: LATENCY_MS,
      downloadThroughput: -1,
      uploadThroughput: -1,
    })
  }
  await page.addInitScript(() => window.localStorage.setItem("minutes.name", "Reader"))
  await page.addInitScript(watchOpening, {
    // The start of the text as the editor's lines show it (joined without newlines), at most 200
    // characters: a meeting typed as one long line would otherwise have to show all of it.
    firstLines: written.text.split("\n").slice(0, 20).join("").slice(0, 200),
    length: written.text.length,
  })
  let socketBytes = 0
  page.on("websocket", (socket) =>
    socket.on("framereceived", (frame) => {
      socketBytes += frame.payload.length
    }),
  )
  const tracePath = trace ? join(TRACE_DIR ?? tmpdir(), `page-open-${written.changes}-${Date.now()}.json`) : null
  if (tracePath) await browser.startTracing(page, { path: tracePath, categories: TRACE_CATEGORIES })
  await page.goto(meeting.links.edit)
  await page.waitForFunction(() => window.benchOpening.editable !== null, null, { timeout: OPEN_TIMEOUT_MS })
  if (tracePath) await browser.stopTracing()
  await page.waitForFunction(() => performance.getEntriesByName("minutes:editor-ready").length > 0, null, {
    timeout: OPEN_TIMEOUT_MS,
  })
  const inPage = await page.evaluate(() => ({
    ...window.benchOpening,
    marks: Object.fromEntries(
      performance
        .getEntriesByType("mark")
        .filter((mark) => mark.name.startsWith("minutes:"))
        .map((mark) => [mark.name, Math.round(mark.startTime)]),
    ),
    files: performance
      .getEntriesByType("resource")
      .map((entry) => [entry.name.replace(location.origin, ""), entry.transferSize, Math.round(entry.duration)]),
  }))
  await context.close()
  const summary = tracePath ? summariseTrace(tracePath, inPage.editable) : null
  if (tracePath && !TRACE_DIR) rmSync(tracePath)
  return {
    readableMs: Math.round(inPage.readable),
    editableMs: Math.round(inPage.editable),
    boundMs: inPage.marks["minutes:editor-ready"],
    marks: inPage.marks,
    longTasks: inPage.longTasks,
    socketBytes,
    files: inPage.files,
    trace: summary,
  }
}

const TRACE_CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-v8.cpu_profiler",
  "v8",
  "v8.execute",
  "blink.user_timing",
]

/**
 * Main-thread work of the page's renderer up to `untilMs` after navigation: top-level tasks by the
 * name of their largest child kind, and self time per function from the sampling profiler.
 */
function summariseTrace(path, untilMs) {
  const events = JSON.parse(readFileSync(path, "utf8")).traceEvents ?? []
  const mainThreads = new Set(
    events
      .filter((event) => event.name === "thread_name" && event.args?.name === "CrRendererMain")
      .map((event) => `${event.pid}:${event.tid}`),
  )
  const navigation = events.find((event) => event.name === "navigationStart" && event.args?.data?.isLoadingMainFrame)
  const origin = navigation?.ts ?? Math.min(...events.filter((event) => event.ts > 0).map((event) => event.ts))
  const until = origin + untilMs * 1000
  const onMain = events.filter(
    (event) => mainThreads.has(`${event.pid}:${event.tid}`) && event.ts >= origin && event.ts <= until,
  )
  const byKind = {}
  for (const event of onMain) {
    if (event.ph !== "X" || !event.dur) continue
    if (!KINDS.has(event.name)) continue
    byKind[event.name] = (byKind[event.name] ?? 0) + event.dur / 1000
  }
  return { mainThreadMs: roundAll(byKind), selfTimeMs: profileSelfTimes(events, origin, until) }
}

const KINDS = new Set([
  "RunTask",
  "ParseHTML",
  "EvaluateScript",
  "v8.compile",
  "v8.compileModule",
  "v8.evaluateModule",
  "v8.wasm.streamFromResponseCallback",
  "v8.wasm.compiledModule",
  "wasm.SyncCompile",
  "wasm.CompileLazy",
  "FunctionCall",
  "TimerFire",
  "FireAnimationFrame",
  "RunMicrotasks",
  "EventDispatch",
  "UpdateLayoutTree",
  "Layout",
  "Paint",
  "MajorGC",
  "MinorGC",
  "V8.GC_SCAVENGER",
  "V8.GC_MARK_COMPACTOR",
])

/** The V8 sampling profile (ProfileChunk events) as self time per function, the 25 largest. */
function profileSelfTimes(events, origin, until) {
  const nodes = new Map()
  const self = new Map()
  for (const event of events) {
    if (event.name !== "ProfileChunk") continue
    const data = event.args?.data
    for (const node of data?.cpuProfile?.nodes ?? []) nodes.set(`${event.id}:${node.id}`, node.callFrame)
    const samples = data?.cpuProfile?.samples ?? []
    const deltas = data?.timeDeltas ?? []
    let ts = event.args?.data?.startTime ?? event.ts
    for (let i = 0; i < samples.length; i += 1) {
      ts += deltas[i] ?? 0
      if (ts < origin || ts > until) continue
      const frame = nodes.get(`${event.id}:${samples[i]}`)
      if (!frame) continue
      const file = (frame.url ?? "").split("/").pop()
      const key = `${frame.functionName || "(anonymous)"} ${file}`
      self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000)
    }
  }
  return Object.fromEntries(
    [...self.entries()]
      .filter(([key]) => key !== "(idle) " && key !== "(program) ")
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([key, ms]) => [key, Math.round(ms)]),
  )
}

function roundAll(record) {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Math.round(value)]))
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function grow(size) {
  const meeting = await createMeeting(`page open ${size}`, { agenda: WRITER_AGENDA })
  const written = await writeMeeting(BASE_URL, meeting, size)
  process.stderr.write(
    `wrote ${written.changes} changes (${written.text.length} characters) in ${written.seconds.toFixed(0)} s\n`,
  )
  return { meeting, written }
}

async function main() {
  if (TRACE_DIR) mkdirSync(TRACE_DIR, { recursive: true })
  const kept = MEETINGS_FILE && existsSync(MEETINGS_FILE) ? JSON.parse(readFileSync(MEETINGS_FILE, "utf8")) : {}
  const results = []
  for (const size of SIZES) {
    const { meeting, written } = kept[size] ?? (await grow(size))
    kept[size] = { meeting, written }
    if (MEETINGS_FILE) writeFileSync(MEETINGS_FILE, JSON.stringify(kept))
    const runs = []
    for (let i = 0; i < RUNS; i += 1) {
      // A new browser each time: a fresh profile (no cached page, no IndexedDB, no service worker).
      const browser = await launchBrowser()
      try {
        runs.push(await openOnce(browser, meeting, written, false))
      } finally {
        await browser.close()
      }
    }
    let traced = null
    if (TRACE) {
      const browser = await launchBrowser()
      try {
        traced = await openOnce(browser, meeting, written, true)
      } finally {
        await browser.close()
      }
    }
    results.push({
      changes: written.changes,
      characters: written.text.length,
      writeSeconds: Math.round(written.seconds),
      readableMs: { median: median(runs.map((run) => run.readableMs)), runs: runs.map((run) => run.readableMs) },
      editableMs: { median: median(runs.map((run) => run.editableMs)), runs: runs.map((run) => run.editableMs) },
      boundMs: { median: median(runs.map((run) => run.boundMs)), runs: runs.map((run) => run.boundMs) },
      marks: runs.map((run) => run.marks),
      longTasks: runs.map((run) => run.longTasks),
      socketBytes: runs[0].socketBytes,
      files: runs[0].files,
      traced,
    })
  }
  writeFileSync(process.stdout.fd, `${JSON.stringify({ url: BASE_URL, runs: RUNS, results }, null, 2)}\n`)
}

await main()
