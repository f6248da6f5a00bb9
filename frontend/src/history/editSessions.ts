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

interface Session {
  readonly person: string
  actor: number
  start: number
  end: number
  /** Where its last change is in the graph's order. */
  last: number
  /** Whether any of its changes wrote to the text. */
  text: boolean
}

/**
 * The meeting's history as edit sessions, one per person per minute. The changes are put in the
 * order they happened (the graph's order: never before what they build on, otherwise by time), and
 * each session's last change ends a step: a point is everything up to there. So every point is a
 * state the document really was in, steps only ever add, and a step holds what its person did since
 * the previous step, together with whatever others typed meanwhile.
 *
 * A session that did not write to the text (`writesText` false for all its changes: a page that
 * opened and wrote its name entry, details edited) ends no step of its own: its changes go with
 * the next step, which would otherwise read "no change to the text". Only at the very end (the
 * close, the last thing that happened) does such a session make a step.
 */
export function editSessions(
  graph: ChangeGraph,
  personOf: (actor: number) => string,
  writesText: (change: number) => boolean = () => true,
): HistoryPoint[] {
  const sessions = new Map<string, Session>()
  graph.order.forEach((index, position) => {
    const change = graph.changes[index]
    if (!change) return
    const person = personOf(change.actor)
    const key = `${Math.floor(change.time / MINUTE)}\u0000${person}`
    const text = writesText(index)
    const session = sessions.get(key)
    if (session) {
      session.start = Math.min(session.start, change.time)
      session.end = Math.max(session.end, change.time)
      session.last = position
      session.actor = change.actor
      session.text ||= text
    } else {
      sessions.set(key, { person, actor: change.actor, start: change.time, end: change.time, last: position, text })
    }
  })
  const sorted = [...sessions.values()].sort((a, b) => a.last - b.last)
  const endings = sorted.filter((session, i) => session.text || i === sorted.length - 1)

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
      // Whose writing the step shows: those who wrote to the text, or the session's own person.
      if (writesText(graph.order[position] as number) || change.actor === session.actor) actors.add(change.actor)
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
