import type { ChangeGraph, Clock } from "./changeGraph.js"

/** One step of the timeline: what one person changed in one minute (and what that built on). */
export interface HistoryPoint {
  /** Whose session: the person's name, or `actor:<hex>` for an actor without one. */
  readonly person: string
  /** Actor indexes whose changes this point adds. */
  readonly actors: readonly number[]
  /** Seconds since the epoch of the session's first and last change (the writers' clocks). */
  readonly start: number
  readonly end: number
  /** How many changes this point adds to the previous one. */
  readonly changes: number
  /** Everything up to and including this point. */
  readonly clock: Clock
}

const MINUTE = 60

/**
 * The meeting's history as edit sessions, one per person per minute, in time order. Each point
 * holds every change before it plus the session's changes and whatever they build on, so each is
 * a state the document really was in at some moment, even when people typed at the same time or
 * their clocks disagree (a change is never shown before one it depends on).
 */
export function editSessions(graph: ChangeGraph, personOf: (actor: number) => string): HistoryPoint[] {
  const sessions = new Map<string, { minute: number; first: number; person: string; members: number[] }>()
  graph.order.forEach((index, position) => {
    const change = graph.changes[index]
    if (!change) return
    const minute = Math.floor(change.time / MINUTE)
    const person = personOf(change.actor)
    const key = `${minute}\u0000${person}`
    const session = sessions.get(key)
    if (session) session.members.push(index)
    else sessions.set(key, { minute, first: position, person, members: [index] })
  })
  const ordered = [...sessions.values()].sort((a, b) => a.minute - b.minute || a.first - b.first)

  const included = new Uint8Array(graph.changes.length)
  const clock = graph.emptyClock()
  const points: HistoryPoint[] = []
  for (const session of ordered) {
    const added = new Set<number>()
    let start = Number.POSITIVE_INFINITY
    let end = 0
    let count = 0
    const include = (index: number): void => {
      const change = graph.changes[index]
      if (!change) return
      included[index] = 1
      clock[change.actor] = Math.max(clock[change.actor] ?? 0, change.maxOp)
      added.add(change.actor)
      start = Math.min(start, change.time)
      end = Math.max(end, change.time)
      count += 1
    }
    for (const index of session.members) includeWithDependencies(graph, index, included, include)
    if (count === 0) continue
    points.push({ person: session.person, actors: [...added], start, end, changes: count, clock: clock.slice() })
  }
  return points
}

/** Includes `index` after every change it depends on that is not included yet (no recursion). */
function includeWithDependencies(
  graph: ChangeGraph,
  index: number,
  included: Uint8Array,
  include: (index: number) => void,
): void {
  if (included[index]) return
  const stack: [number, boolean][] = [[index, false]]
  while (stack.length > 0) {
    const [current, expanded] = stack.pop() as [number, boolean]
    if (included[current]) continue
    if (expanded) {
      include(current)
      continue
    }
    stack.push([current, true])
    for (const dep of graph.changes[current]?.deps ?? []) if (!included[dep]) stack.push([dep, false])
  }
}
