import type { ChangeRow, SavedDocument } from "./savedDocument.js"

/**
 * A set of changes closed under dependencies, as the highest op counter it holds of each actor
 * (index = actor index). An op (counter c, actor a) is in the set exactly when c <= clock[a],
 * because each actor's changes form one chain with growing counters.
 */
export type Clock = Float64Array

/**
 * The change graph of a saved document: changes in the order they happened (dependencies first),
 * where each (actor, seq) sits, and the clocks of sets of changes.
 */
export class ChangeGraph {
  readonly actors: readonly string[]
  readonly changes: readonly ChangeRow[]
  /** Change indexes, every change after its dependencies, otherwise by time (see dependencyOrder). */
  readonly order: readonly number[]
  readonly #byActorSeq = new Map<number, number>()

  constructor(doc: SavedDocument) {
    this.actors = doc.actors
    this.changes = doc.changes
    this.order = dependencyOrder(doc.changes, doc.actors)
    doc.changes.forEach((change, index) => {
      this.#byActorSeq.set(actorSeq(change.actor, change.seq), index)
    })
  }

  emptyClock(): Clock {
    return new Float64Array(this.actors.length)
  }

  /** Every change. */
  fullClock(): Clock {
    const clock = this.emptyClock()
    for (const change of this.changes) clock[change.actor] = Math.max(clock[change.actor] ?? 0, change.maxOp)
    return clock
  }

  /** The index of the change `seq` of actor `actorHex`, if the document holds it. */
  indexOf(actorHex: string, seq: number): number | undefined {
    const actor = this.actors.indexOf(actorHex)
    return actor < 0 ? undefined : this.#byActorSeq.get(actorSeq(actor, seq))
  }

  /** The clock of `heads` (change indexes) and everything they depend on. */
  clockOf(heads: Iterable<number>): Clock {
    const clock = this.emptyClock()
    for (const head of heads) {
      const change = this.changes[head]
      if (change) clock[change.actor] = Math.max(clock[change.actor] ?? 0, change.maxOp)
    }
    // Every ancestor once; the clock is the highest counter per actor among them.
    const seen = new Set<number>()
    const stack = [...heads]
    while (stack.length > 0) {
      const index = stack.pop() as number
      if (seen.has(index)) continue
      seen.add(index)
      const change = this.changes[index]
      if (!change) continue
      for (const dep of change.deps) {
        const depChange = this.changes[dep]
        if (!depChange || seen.has(dep)) continue
        clock[depChange.actor] = Math.max(clock[depChange.actor] ?? 0, depChange.maxOp)
        stack.push(dep)
      }
    }
    return clock
  }

  /** Whether change `index` is in the set `clock` describes. */
  includes(clock: Clock, index: number): boolean {
    const change = this.changes[index]
    return change !== undefined && change.maxOp <= (clock[change.actor] ?? 0)
  }
}

/** One number for (actor index, seq): seq stays far below 2^32, actors below 2^20. */
function actorSeq(actor: number, seq: number): number {
  return actor * 2 ** 32 + seq
}

/**
 * Change indexes in an order where every change comes after its dependencies and, among the
 * changes ready at each step, the one with the earliest timestamp comes first: the order things
 * happened in, as far as the writers' clocks and causality agree. Timestamps are whole seconds, so
 * people typing at once tie all the time; ties go by author (their actor id) and then by their own
 * sequence, never by where a change sits in this browser's copy: every page must cut the history
 * into the same steps.
 */
function dependencyOrder(changes: readonly ChangeRow[], actors: readonly string[]): number[] {
  const waiting = new Int32Array(changes.length)
  const dependents: number[][] = changes.map(() => [])
  changes.forEach((change, index) => {
    for (const dep of change.deps) {
      if (dep < 0 || dep >= changes.length) continue
      waiting[index] = (waiting[index] ?? 0) + 1
      dependents[dep]?.push(index)
    }
  })
  const actorRank = ranksOf(actors)
  const earlier = (a: number, b: number): boolean => {
    const changeA = changes[a]
    const changeB = changes[b]
    if (!changeA || !changeB) return a < b
    if (changeA.time !== changeB.time) return changeA.time < changeB.time
    const rankA = actorRank[changeA.actor] ?? 0
    const rankB = actorRank[changeB.actor] ?? 0
    if (rankA !== rankB) return rankA < rankB
    return changeA.seq < changeB.seq
  }
  const ready = new MinHeap(earlier)
  waiting.forEach((count, index) => {
    if (count === 0) ready.push(index)
  })
  const order: number[] = []
  while (ready.size > 0) {
    const index = ready.pop()
    order.push(index)
    for (const dependent of dependents[index] ?? []) {
      waiting[dependent] = (waiting[dependent] ?? 0) - 1
      if (waiting[dependent] === 0) ready.push(dependent)
    }
  }
  if (order.length !== changes.length) throw new Error("the document's change graph has a cycle")
  return order
}

/** A binary heap of numbers under `before`. */
class MinHeap {
  readonly #items: number[] = []
  readonly #before: (a: number, b: number) => boolean

  constructor(before: (a: number, b: number) => boolean) {
    this.#before = before
  }

  get size(): number {
    return this.#items.length
  }

  push(item: number): void {
    const items = this.#items
    items.push(item)
    let at = items.length - 1
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!this.#before(items[at] as number, items[parent] as number)) break
      ;[items[at], items[parent]] = [items[parent] as number, items[at] as number]
      at = parent
    }
  }

  pop(): number {
    const items = this.#items
    const top = items[0] as number
    const last = items.pop() as number
    if (items.length > 0) {
      items[0] = last
      let at = 0
      for (;;) {
        const left = 2 * at + 1
        const right = left + 1
        let smallest = at
        if (left < items.length && this.#before(items[left] as number, items[smallest] as number)) smallest = left
        if (right < items.length && this.#before(items[right] as number, items[smallest] as number)) smallest = right
        if (smallest === at) break
        ;[items[at], items[smallest]] = [items[smallest] as number, items[at] as number]
        at = smallest
      }
    }
    return top
  }
}

/** Each actor index's place among the actor ids in text order: the same on every page. */
function ranksOf(actors: readonly string[]): Int32Array {
  const ranks = new Int32Array(actors.length)
  const sorted = actors
    .map((hex, index) => ({ hex, index }))
    .sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0))
  sorted.forEach(({ index }, rank) => {
    ranks[index] = rank
  })
  return ranks
}
