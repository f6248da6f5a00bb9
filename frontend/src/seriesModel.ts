import type { OpenAction, PublishedCopy, SeriesCall } from "./types.js"

/** One call as the chart shows it. */
export interface ChartPoint {
  readonly date: string
  readonly attendance: number
  readonly open: number
  readonly done: number
}

/** The calls oldest first, as the chart reads left to right. */
export function chartPoints(newestFirst: readonly SeriesCall[]): ChartPoint[] {
  return [...newestFirst].reverse().map((call) => ({
    date: call.date,
    attendance: call.attendees.length,
    open: call.actions.open,
    done: call.actions.done,
  }))
}

/**
 * The open action items grouped by owner (items without one under ""), owners in alphabetical
 * order. An owner written short ("Ben", "Thomas G") who names exactly one of `people` (the
 * series' chair and attendees) is grouped under that person's full name, as the server matches
 * a next call's chair: minutes written fast name people by their first name.
 */
export function actionsByOwner(
  actions: readonly OpenAction[],
  people: readonly string[] = [],
): [string, OpenAction[]][] {
  const groups = new Map<string, OpenAction[]>()
  for (const action of actions) {
    const owner = personNamed(action.owner, people) ?? action.owner
    const list = groups.get(owner) ?? []
    list.push(action)
    groups.set(owner, list)
  }
  return [...groups.entries()].sort(([a], [b]) => {
    if (a === "") return 1
    if (b === "") return -1
    return a.localeCompare(b)
  })
}

/**
 * The one person of `people` that `named` names: the same name in any case, else a first name
 * ("thomas" names "Thomas Gazagnaire") or first words with the last one shortened ("thomas g");
 * null when none or several do.
 */
export function personNamed(named: string, people: readonly string[]): string | null {
  const wanted = words(named)
  if (wanted.length === 0) return null
  const exact = unique(people.filter((person) => words(person).join(" ") === wanted.join(" ")))
  if (exact.length > 0) return exact.length === 1 ? (exact[0] ?? null) : null
  const abbreviated = unique(people.filter((person) => startsWithWords(words(person), wanted)))
  return abbreviated.length === 1 ? (abbreviated[0] ?? null) : null
}

function words(name: string): string[] {
  return name.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean)
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.trim()))]
}

function startsWithWords(person: readonly string[], named: readonly string[]): boolean {
  if (named.length > person.length) return false
  const last = named.length - 1
  for (let i = 0; i < last; i += 1) if (person[i] !== named[i]) return false
  const personWord = person[last] ?? ""
  const namedWord = named[last] ?? ""
  return last === 0 ? personWord === namedWord : personWord.startsWith(namedWord)
}

/** A sentence summing up the chart for people who do not see it. */
export function chartSummary(points: readonly ChartPoint[]): string {
  if (points.length === 0) return "No calls yet."
  const first = points[0]
  const last = points[points.length - 1]
  if (!first || !last) return "No calls yet."
  const attendance = points.map((point) => point.attendance)
  const calls = points.length === 1 ? "1 call" : `${points.length} calls`
  return (
    `${calls} from ${first.date} to ${last.date}. ` +
    `Attendance between ${Math.min(...attendance)} and ${Math.max(...attendance)}. ` +
    `In the latest call ${last.open} action ${last.open === 1 ? "item is" : "items are"} open and ${last.done} done.`
  )
}

/** What a call's status means for people. */
export function statusWords(call: Pick<SeriesCall, "status" | "reopened" | "revision">): string {
  if (call.reopened) return "reopened for corrections"
  if (call.status === "closed") return call.revision > 1 ? `closed (revision ${call.revision})` : "closed"
  return "in progress"
}

/**
 * The copies of a call's minutes with one entry per published page: several targets (a folder
 * the docs site is built from, its webhook) name the same page, which people need once, as
 * published when any of them delivered it.
 */
export function onePerPage(copies: readonly PublishedCopy[]): PublishedCopy[] {
  const rank = (state: string) => (state === "delivered" ? 0 : state === "pending" ? 1 : 2)
  const byPage = new Map<string, PublishedCopy>()
  const result: PublishedCopy[] = []
  for (const copy of copies) {
    const same = copy.url ? byPage.get(copy.url) : undefined
    if (!same) {
      if (copy.url) byPage.set(copy.url, copy)
      result.push(copy)
    } else if (rank(copy.state) < rank(same.state)) {
      result[result.indexOf(same)] = copy
      byPage.set(copy.url as string, copy)
    }
  }
  return result
}
