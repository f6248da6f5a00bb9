// Prints the comparison table (Markdown) of one bench-references.sh run: ours against each reference,
// with ratios ours/reference (below 1 means ours needs less time, CPU or memory).
//
//   node scripts/bench/compare.mjs RESULT_DIR
import fs from "fs"
import path from "path"

const dir = process.argv[2]
if (!dir) {
  console.error("usage: node compare.mjs RESULT_DIR")
  process.exit(2)
}
const results = {}
for (const file of fs.readdirSync(dir)) {
  const match = file.match(/^(.+?)-([abw]\d+(?:-js|-repo)?|c|cjs|d|djs|ljs)\.json$/)
  if (!match) continue
  const [, server, scenario] = match
  results[scenario] ??= {}
  results[scenario][server] = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))
}
const references = ["repo-2.5.6", "sync-server-0.2.8"]
const joinOrder = { c: 2000, cjs: 2001, d: 3000, djs: 3001, ljs: 4000 }
const clientOrder = { js: 0.1, repo: 0.2 }
const order = s =>
  joinOrder[s] ??
  ({ a: 0, b: 1000, w: 1500 }[s[0]] ?? 0) + (parseInt(s.slice(1)) || 0) + (clientOrder[s.split("-")[1]] ?? 0)
const mib = bytes => (bytes / 1048576).toFixed(0)
const fmt = v =>
  v === undefined || v === null || Number.isNaN(v) ? "–"
  : typeof v !== "number" ? String(v)
  : Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0)
  : Math.abs(v) >= 1 ? v.toFixed(1)
  : v.toFixed(2)
const ratio = (ours, ref) => (typeof ours === "number" && typeof ref === "number" && ref > 0 ? (ours / ref).toFixed(2) : "–")

const typing = [
  ["keystrokes typed % of intended", r => (100 * r.keystrokes) / (r.typists * r.rate * r.measuredSeconds)],
  ["p50 ms", r => r.latencyMs?.p50],
  ["p99 ms", r => r.latencyMs?.p99],
  ["max ms", r => r.latencyMs?.max],
  ["p99 ms to watchers", r => r.watcherLatencyMs?.p99],
  ["server CPU %", r => r.serverCpuPercent],
  ["CPU % per typist", r => r.serverCpuPerTypistPercent],
  ["server peak RSS MiB", r => (r.serverPeakRssBytes ? Number(mib(r.serverPeakRssBytes)) : undefined)],
  ["undelivered", r => r.undeliveredAfterDrain],
  ["refusals+errors", r => r.errors],
  ["server wake-ups per keystroke", r => r.serverWakeUpsPerKeystroke],
  ["load tool CPU %", r => r.loadToolCpuPercent],
  ["machine CPU % (all cores: 100 × cores)", r => r.machineCpuPercent],
]
const joining = [
  ["first join ms", r => r.firstJoinMs],
  ["median join ms", r => r.medianJoinMs],
  ["last join ms", r => r.joinMs?.[r.joinMs.length - 1]],
  ["server peak RSS MiB", r => (r.serverPeakRssBytes ? Number(mib(r.serverPeakRssBytes)) : undefined)],
  ["errors", r => r.errors],
]
const title = {
  c: "(c) late joiner, 50,000 changes",
  cjs: "(c) the same joins with the browsers' client (automerge-repo 2.5.6, Automerge 3.5, in Node)",
  d: "(d) that meeting after a server restart (first = cold, last = warm)",
  djs: "(d) the same with the browsers' client (first = cold, last = warm)",
  ljs: "(l) the long meeting, joined by the browsers' client (first = cold, last = warm)",
}

const header = ["scenario", "metric", "ours", ...references.flatMap(r => [r, `ours/${r}`])]
console.log(`| ${header.join(" | ")} |`)
console.log(`|${header.map(() => "---").join("|")}|`)
for (const scenario of Object.keys(results).sort((a, b) => order(a) - order(b))) {
  const byServer = results[scenario]
  const any = Object.values(byServer)[0]
  const typists = any.clients && any.clients !== "java" ? `${any.typists} ${any.clients} typists` : `${any.typists} typists`
  const label =
    scenario[0] === "a" ? `(a) ${typists}, meetings of 10`
    : scenario[0] === "b" ? `(b) ${typists}, one meeting`
    : scenario[0] === "w" ? `(w) one meeting: ${typists}, ${any.watchers} watching`
    : title[scenario]
  const metrics = "abw".includes(scenario[0]) ? typing : joining
  metrics.forEach(([name, get], i) => {
    const ours = byServer.ours ? get(byServer.ours) : undefined
    const cells = [i === 0 ? label : "", name, fmt(ours)]
    for (const ref of references) {
      const value = byServer[ref] ? get(byServer[ref]) : undefined
      cells.push(fmt(value), ratio(ours, value))
    }
    console.log(`| ${cells.join(" | ")} |`)
  })
}
