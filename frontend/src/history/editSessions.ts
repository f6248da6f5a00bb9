import type { ChangeGraph, Clock } from "./changeGraph.js"

/** One step of the timeline: the end of one person's edit session (their changes in one minute). */
export interface HistoryPoint {
  /** Whose session ends here: the person's name, or `actor:<hex>` for an actor without one. */
  readonly person: string
  /** The actor of the session's last change (one of the person's actors). */
  readonly actor: number
  /** Actor indexes whose changes this step adds (people typing at the same time share steps). */
  readonly actors: readonly number[]
  /** Seconds since the epoch of the session's first and last change (the writers' clocks). */
  readonly start: number
  readonly end: number
  /** How many changes this step adds to the previous one. */
  readonly changes: number
  /** Everything up to and including this point. */
  readonly clock: Clock
}

const MINUTE = 60

/**
 * The meeting's history as edit sessions, one per person per minute. The changes are put in the
 * order they happened (the graph's order: never before what they build on, otherwise by time), and
 * each session's last change ends a step: a point is everything up to there. So every point is a
 * state the document really was in, steps only ever add, and a step holds what its person did since
 * the previous step, together with whatever others typed meanwhile.
 */
export function editSessions(graph: ChangeGraph, personOf: (actor: number) => string): HistoryPoint[] {
  const sessions = new Map<string, { person: string; actor: number; start: number; end: number; last: number }>()
  graph.order.forEach((index, position) => {
    const change = graph.changes[index]
    if (!change) return
    const person = personOf(change.actor)
    const key = `${Math.floor(change.time / MINUTE)}\u0000${person}`
    const session = sessions.get(key)
    if (session) {
      session.start = Math.min(session.start, change.time)
      session.end = Math.max(session.end, change.time)
      session.last = position
      session.actor = change.actor
    } else {
      sessions.set(key, { person, actor: change.actor, start: change.time, end: change.time, last: position })
    }
  })
  const endings = [...sessions.values()].sort((a, b) => a.last - b.last)

  const clock = graph.emptyClock()
  const points: HistoryPoint[] = []
  let position = 0
  for (const session of endings) {
    const actors = new Set<number>()
    let changes = 0
    for (; position <= session.last; position += 1) {
      const change = graph.changes[graph.order[position] as number]
      if (!change) continue
      clock[change.actor] = Math.max(clock[change.actor] ?? 0, change.maxOp)
      actors.add(change.actor)
      changes += 1
    }
    points.push({
      person: session.person,
      actor: session.actor,
      actors: [...actors],
      start: session.start,
      end: session.end,
      changes,
      clock: clock.slice(),
    })
  }
  return points
}
