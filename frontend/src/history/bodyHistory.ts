import type { Clock } from "./changeGraph.js"
import type { BodyAssignment, ChangeRow, OpId, SavedDocument, TextOps } from "./savedDocument.js"

/** A stretch of text written by one actor. `from`/`to` are UTF-16 offsets into the text. */
export interface AuthorRun {
  readonly from: number
  readonly to: number
  readonly actor: number
}

/**
 * A stretch of the later text of a comparison: `kept` (in both), `added` (written in between, by
 * `actor`) or `removed` (only in the earlier text, deleted in between by `actor`; it takes no place
 * in the later text, `at` is where it was).
 */
export type Segment =
  | { readonly kind: "kept"; readonly text: string; readonly at: number }
  | { readonly kind: "added"; readonly text: string; readonly at: number; readonly actor: number }
  | { readonly kind: "removed"; readonly text: string; readonly at: number; readonly actor: number }

/**
 * The `body` text of a saved document at any set of changes (a {@link Clock}), with who wrote
 * each character, and what changed between two sets. Everything is computed from the stored
 * operations: a character is there when its insert is in the set and none of its deletions is.
 */
export class BodyHistory {
  readonly #bodies: readonly BodyAssignment[]
  readonly #texts: ReadonlyMap<string, TextOps>
  readonly #changes: readonly ChangeRow[]

  constructor(doc: SavedDocument) {
    this.#bodies = doc.bodies
    this.#texts = doc.texts
    this.#changes = doc.changes
  }

  /** The body's text at `clock`. */
  textAt(clock: Clock): string {
    const ops = this.#bodyAt(clock)
    if (!ops) return ""
    const parts: string[] = []
    forEachVisible(ops, clock, (row) => parts.push(ops.value[row] as string))
    return parts.join("")
  }

  /**
   * The body's text at `clock` as runs of one author each: the actor that wrote each character,
   * where text moved (a line moved with Alt+↑/↓) or written again where it had been deleted (an
   * Undo) keeps the author of the characters it took the place of. With `inserters`, simply the
   * actor whose op inserted each character.
   */
  authorsAt(clock: Clock, inserters = false): { text: string; runs: AuthorRun[] } {
    const ops = this.#bodyAt(clock)
    const runs: AuthorRun[] = []
    const parts: string[] = []
    let at = 0
    if (ops) {
      const authorOf = inserters ? (row: number) => ops.actor[row] as number : movedAuthors(ops, this.#changes, clock)
      forEachVisible(ops, clock, (row) => {
        const value = ops.value[row] as string
        const actor = authorOf(row)
        const last = runs[runs.length - 1]
        if (last && last.actor === actor && last.to === at) runs[runs.length - 1] = { ...last, to: at + value.length }
        else runs.push({ from: at, to: at + value.length, actor })
        parts.push(value)
        at += value.length
      })
    }
    return { text: parts.join(""), runs }
  }

  /**
   * The later text (`after`) as segments against the earlier one (`before`, a subset of it): what
   * stayed, what was added and by whom, what was removed and by whom. If the body was replaced by
   * another text object in between, all of the earlier text counts as removed.
   */
  compare(before: Clock, after: Clock): Segment[] {
    const earlier = this.#bodyAt(before)
    const later = this.#bodyAt(after)
    const segments: Segment[] = []
    let at = 0
    const push = (kind: Segment["kind"], text: string, actor: number): void => {
      const last = segments[segments.length - 1]
      if (last && last.kind === kind && (kind === "kept" || ("actor" in last && last.actor === actor))) {
        segments[segments.length - 1] = { ...last, text: last.text + text }
      } else {
        segments.push(kind === "kept" ? { kind, text, at } : { kind, text, at, actor })
      }
      if (kind !== "removed") at += text.length
    }
    if (earlier && earlier !== later) {
      const text = this.textAt(before)
      if (text) push("removed", text, replacer(this.#bodies, before, after))
    }
    if (!later) return segments
    const same = earlier === later
    forEachElement(later, (first, last) => {
      const now = visibleRow(later, first, last, after)
      const then = same ? visibleRow(later, first, last, before) : -1
      if (now >= 0 && then >= 0) push("kept", later.value[now] as string, -1)
      else if (now >= 0) push("added", later.value[now] as string, later.actor[now] as number)
      else if (then >= 0) push("removed", later.value[then] as string, deleter(later, first, last, before, after))
    })
    return removedFirst(segments)
  }

  /** The text object that is the body at `clock`: the latest assignment in it not overwritten in it. */
  #bodyAt(clock: Clock): TextOps | null {
    let winner: BodyAssignment | null = null
    for (const body of this.#bodies) {
      if (!inClock(body.id, clock) || body.succ.some((s) => inClock(s, clock))) continue
      if (!winner || later(body.id, winner.id)) winner = body
    }
    return winner?.object ? (this.#texts.get(winner.object) ?? null) : null
  }
}

/**
 * Who wrote each row, moves and restores followed back (each step goes to an older character):
 * - a change that deleted some characters and inserted exactly the same text (in document order,
 *   as many characters) moved them (a line moved with Alt+↑/↓), see {@link movedRows};
 * - characters written again where the same characters were deleted before, by a later change
 *   (an Undo bringing back deleted words, or a word deleted and typed again), see
 *   {@link restoredRows}.
 * Each such character has the author of the one it took the place of; everything else is its
 * inserter's.
 */
function movedAuthors(ops: TextOps, changes: readonly ChangeRow[], clock: Clock): (row: number) => number {
  const from = movedRows(ops, changes, clock)
  restoredRows(ops, clock, from)
  if (from.size === 0) return (row) => ops.actor[row] as number
  return (row) => {
    let source = row
    for (let next = from.get(source); next !== undefined; next = from.get(source)) source = next
    return ops.actor[source] as number
  }
}

/**
 * Rows a change inserted in place of the rows it deleted, the same text: new row → old row. An op
 * belongs to its actor's change with the smallest `maxOp` not below its counter (an actor's
 * changes are one chain with growing counters).
 */
function movedRows(ops: TextOps, changes: readonly ChangeRow[], clock: Clock): Map<number, number> {
  const from = new Map<number, number>()
  const changeOf = changeFinder(changes)
  // Deletions first: they are few, and only a change that deleted can have moved anything.
  const deleted = new Map<number, number[]>()
  for (let row = 0; row < ops.starts.length; row += 1) {
    if (!ops.starts[row] || !rowInClock(ops, row, clock)) continue
    for (let s = ops.succFrom[row] as number; s < (ops.succFrom[row + 1] as number); s += 1) {
      const id = { ctr: ops.succCtr[s] as number, actor: ops.succActor[s] as number }
      if (!inClock(id, clock)) continue
      const deletedBy = changeOf(id.actor, id.ctr)
      if (deletedBy >= 0) push(deleted, deletedBy, row)
    }
  }
  if (deleted.size === 0) return from
  const inserted = new Map<number, number[]>()
  for (let row = 0; row < ops.starts.length; row += 1) {
    if (!ops.starts[row] || !rowInClock(ops, row, clock)) continue
    const insertedBy = changeOf(ops.actor[row] as number, ops.ctr[row] as number)
    if (deleted.has(insertedBy)) push(inserted, insertedBy, row)
  }
  for (const [change, rows] of inserted) {
    const gone = deleted.get(change)
    if (!gone || gone.length !== rows.length) continue
    if (rows.some((row, i) => ops.value[row] !== ops.value[gone[i] as number])) continue
    rows.forEach((row, i) => {
      from.set(row, gone[i] as number)
    })
  }
  return from
}

/**
 * Adds to `from` the rows written again where the same text had been deleted. Automerge places a
 * newer insert right after the character it follows, before older characters there, deleted ones
 * included: so text written where text was deleted comes just before the deleted characters, with
 * only text written after it in between (the writer typing on, or someone else adding to the line
 * brought back, or pressing Enter in it), and deleted text (typed and deleted before an Undo
 * brought the earlier text back). A run of one actor's consecutive inserts is compared with the
 * deleted characters that follow it, up to the first character written before it; the start they
 * share, if it is all of the shorter one, takes the deleted characters' authors. The page follows
 * the same rule live (authorship.ts `restoredSpans`), so colours do not change when they are read
 * again.
 */
function restoredRows(ops: TextOps, clock: Clock, from: Map<number, number>): void {
  const rows = ops.starts.length
  // Where to look from each row, so that each run looks only at deleted rows, not at every row:
  // the next deleted row, and the oldest character present before it.
  const nextDeleted = new Int32Array(rows + 1)
  const oldestBefore = new Float64Array(rows + 1)
  nextDeleted[rows] = rows
  oldestBefore[rows] = Number.POSITIVE_INFINITY
  for (let row = rows - 1; row >= 0; row -= 1) {
    const deleted = deletedElement(ops, clock, row)
    nextDeleted[row] = deleted ? row : (nextDeleted[row + 1] as number)
    const present = !deleted && ops.starts[row] === true && rowInClock(ops, row, clock)
    oldestBefore[row] = deleted
      ? Number.POSITIVE_INFINITY
      : present
        ? Math.min(ops.ctr[row] as number, oldestBefore[row + 1] as number)
        : (oldestBefore[row + 1] as number)
  }
  let row = 0
  while (row < rows) {
    if (!ops.starts[row] || !rowInClock(ops, row, clock)) {
      row += 1
      continue
    }
    const actor = ops.actor[row] as number
    let end = row + 1
    while (
      end < rows &&
      ops.starts[end] &&
      ops.actor[end] === actor &&
      ops.ctr[end] === (ops.ctr[end - 1] as number) + 1 &&
      rowInClock(ops, end, clock)
    ) {
      end += 1
    }
    // Deleted rows after the run, as long as everything present in between came after it.
    const written = ops.ctr[row] as number
    let oldest = oldestBefore[end] as number
    for (let at = nextDeleted[end] as number; at < rows && oldest > written; at = nextDeleted[at + 1] as number) {
      if (isDeletedCopy(ops, clock, at, row) && sharesWholeStart(ops, clock, row, end, at)) {
        for (let i = 0; row + i < end && isDeletedCopy(ops, clock, at + i, row + i); i += 1) {
          if (!from.has(row + i)) from.set(row + i, at + i)
        }
        break
      }
      oldest = Math.min(oldest, oldestBefore[at + 1] as number)
    }
    row = end
  }
}

/** Deleted rows from `at` and the run [start, end) agree for as long as the shorter one lasts. */
function sharesWholeStart(ops: TextOps, clock: Clock, start: number, end: number, at: number): boolean {
  let i = 0
  while (start + i < end && isDeletedCopy(ops, clock, at + i, start + i)) i += 1
  return start + i === end || !deletedElement(ops, clock, at + i)
}

/** Row `row` is an element's first row, present at `clock` and deleted by then. */
function deletedElement(ops: TextOps, clock: Clock, row: number): boolean {
  return (
    row < ops.starts.length && ops.starts[row] === true && rowInClock(ops, row, clock) && rowDeletedIn(ops, row, clock)
  )
}

/**
 * Row `at` is a character with the value of row `of`, deleted before `of` was written (by an op
 * with a smaller counter: text written first and deleted later was not written again).
 */
function isDeletedCopy(ops: TextOps, clock: Clock, at: number, of: number): boolean {
  if (!deletedElement(ops, clock, at) || ops.value[at] !== ops.value[of]) return false
  const written = ops.ctr[of] as number
  for (let s = ops.succFrom[at] as number; s < (ops.succFrom[at + 1] as number); s += 1) {
    const ctr = ops.succCtr[s] as number
    if (ctr < written && ctr <= (clock[ops.succActor[s] as number] ?? 0)) return true
  }
  return false
}

/** The index of the change holding op (actor, counter), or -1. */
function changeFinder(changes: readonly ChangeRow[]): (actor: number, ctr: number) => number {
  const byActor = new Map<number, { maxOp: number; index: number }[]>()
  changes.forEach((change, index) => {
    push(byActor, change.actor, { maxOp: change.maxOp, index })
  })
  for (const list of byActor.values()) list.sort((a, b) => a.maxOp - b.maxOp)
  return (actor, ctr) => {
    const list = byActor.get(actor)
    if (!list) return -1
    let low = 0
    let high = list.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((list[middle] as { maxOp: number }).maxOp < ctr) low = middle + 1
      else high = middle
    }
    return list[low]?.index ?? -1
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/**
 * A replacement reads "~~50k~~ 55k", as people write corrections: Automerge puts a newer insertion
 * before the characters it replaced, so the added text comes first in the document's order.
 */
function removedFirst(segments: Segment[]): Segment[] {
  for (let i = 0; i + 1 < segments.length; i += 1) {
    const added = segments[i]
    const removed = segments[i + 1]
    if (added?.kind === "added" && removed?.kind === "removed") {
      segments[i] = { ...removed, at: added.at }
      segments[i + 1] = added
      i += 1
    }
  }
  return segments
}

function inClock(id: OpId, clock: Clock): boolean {
  return id.ctr <= (clock[id.actor] ?? 0)
}

/** Lamport order of op ids: the higher counter, then the higher actor, wins. */
function later(a: OpId, b: OpId): boolean {
  return a.ctr > b.ctr || (a.ctr === b.ctr && a.actor > b.actor)
}

function rowInClock(ops: TextOps, row: number, clock: Clock): boolean {
  return (ops.ctr[row] as number) <= (clock[ops.actor[row] as number] ?? 0)
}

function rowDeletedIn(ops: TextOps, row: number, clock: Clock): boolean {
  for (let s = ops.succFrom[row] as number; s < (ops.succFrom[row + 1] as number); s += 1) {
    if ((ops.succCtr[s] as number) <= (clock[ops.succActor[s] as number] ?? 0)) return true
  }
  return false
}

/** Each element's rows: its insert and any values written over it later, first..last inclusive. */
function forEachElement(ops: TextOps, visit: (first: number, last: number) => void): void {
  const rows = ops.starts.length
  let first = 0
  while (first < rows) {
    let last = first
    while (last + 1 < rows && !ops.starts[last + 1]) last += 1
    visit(first, last)
    first = last + 1
  }
}

/** The row whose value the element shows at `clock` (the latest present, undeleted one), or -1. */
function visibleRow(ops: TextOps, first: number, last: number, clock: Clock): number {
  for (let row = last; row >= first; row -= 1) {
    if (rowInClock(ops, row, clock) && !rowDeletedIn(ops, row, clock)) return row
  }
  return -1
}

function forEachVisible(ops: TextOps, clock: Clock, visit: (row: number) => void): void {
  const rows = ops.starts.length
  for (let row = 0; row < rows; row += 1) {
    // The common case, one row per element, without the element bookkeeping.
    if (ops.starts[row] && (row + 1 === rows || ops.starts[row + 1])) {
      if (rowInClock(ops, row, clock) && !rowDeletedIn(ops, row, clock)) visit(row)
      continue
    }
    let last = row
    while (last + 1 < rows && !ops.starts[last + 1]) last += 1
    const shown = visibleRow(ops, row, last, clock)
    if (shown >= 0) visit(shown)
    row = last
  }
}

/** Who deleted an element between `before` and `after`: the actor of a deletion in `after` only. */
function deleter(ops: TextOps, first: number, last: number, before: Clock, after: Clock): number {
  for (let row = first; row <= last; row += 1) {
    for (let s = ops.succFrom[row] as number; s < (ops.succFrom[row + 1] as number); s += 1) {
      const id = { ctr: ops.succCtr[s] as number, actor: ops.succActor[s] as number }
      if (inClock(id, after) && !inClock(id, before)) return id.actor
    }
  }
  return -1
}

/** Who replaced the whole body between `before` and `after`. */
function replacer(bodies: readonly BodyAssignment[], before: Clock, after: Clock): number {
  const assignment = bodies.find((body) => inClock(body.id, after) && !inClock(body.id, before))
  return assignment?.id.actor ?? -1
}
