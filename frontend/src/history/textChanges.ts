import type { SavedDocument } from "./savedDocument.js"

/**
 * The changes (indexes into `doc.changes`) that wrote to the body: set it, or inserted, removed or
 * overwrote one of its characters. The others changed only what is around the text (a name
 * entry written when a page opens, the meeting's details, the close).
 *
 * An op belongs to the change of its actor whose counters hold it: a change's ops run from the
 * previous change's `maxOp` + 1 to its own.
 */
export function changesWritingText(doc: SavedDocument): Set<number> {
  const counters = textOpCounters(doc)
  const writing = new Set<number>()
  const previousMax = new Map<number, number>()
  const bySeq = doc.changes.map((change, index) => ({ change, index })).sort((a, b) => a.change.seq - b.change.seq)
  for (const { change, index } of bySeq) {
    const first = (previousMax.get(change.actor) ?? 0) + 1
    previousMax.set(change.actor, change.maxOp)
    if (anyWithin(counters.get(change.actor), first, change.maxOp)) writing.add(index)
  }
  return writing
}

/** Per actor, the sorted counters of every op that wrote to a body text. */
function textOpCounters(doc: SavedDocument): Map<number, number[]> {
  const counters = new Map<number, number[]>()
  const add = (actor: number, ctr: number) => {
    const list = counters.get(actor)
    if (list) list.push(ctr)
    else counters.set(actor, [ctr])
  }
  for (const body of doc.bodies) add(body.id.actor, body.id.ctr)
  for (const ops of doc.texts.values()) {
    ops.ctr.forEach((ctr, row) => {
      add(ops.actor[row] as number, ctr)
    })
    ops.succCtr.forEach((ctr, i) => {
      add(ops.succActor[i] as number, ctr)
    })
  }
  for (const list of counters.values()) list.sort((a, b) => a - b)
  return counters
}

/** Whether the sorted `counters` hold one from `from` to `to`. */
function anyWithin(counters: readonly number[] | undefined, from: number, to: number): boolean {
  if (!counters) return false
  let low = 0
  let high = counters.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((counters[middle] as number) < from) low = middle + 1
    else high = middle
  }
  return low < counters.length && (counters[low] as number) <= to
}
