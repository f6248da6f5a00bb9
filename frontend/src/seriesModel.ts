import type { OpenAction, SeriesCall } from "./types.js"

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

/** The open action items grouped by owner (items without one under ""), owners in alphabetical order. */
export function actionsByOwner(actions: readonly OpenAction[]): [string, OpenAction[]][] {
  const groups = new Map<string, OpenAction[]>()
  for (const action of actions) {
    const list = groups.get(action.owner) ?? []
    list.push(action)
    groups.set(action.owner, list)
  }
  return [...groups.entries()].sort(([a], [b]) => {
    if (a === "") return 1
    if (b === "") return -1
    return a.localeCompare(b)
  })
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
