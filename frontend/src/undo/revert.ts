import { ChangeSet, EditorSelection, type Text } from "@codemirror/state"
import type { CursorList } from "./cursorList.js"
import type { CursorLookup, RemovedText } from "./editRecord.js"

/** What an undo step holds: everything it removed and inserted. */
export interface Revertible {
  readonly removed: readonly RemovedText[]
  readonly inserted: readonly CursorList[]
  /** It began with text selected: taking it back selects that text again. */
  readonly selected: boolean
}

/** The changes that take a step back in the text shown now, and where the selection goes. */
export interface Reversal {
  readonly changes: ChangeSet
  readonly selection: EditorSelection
}

/**
 * Takes back `step` in `doc` (the text the editor shows, which `lookup` resolves cursors in):
 * the characters it inserted that are still there go, and the text it removed comes back where
 * its characters stood. Both are found by Automerge cursors, not by positions mapped through
 * later edits, so other people's text is never removed, and text someone typed inside a removed
 * stretch meanwhile stays where they put it, with the stretch restored around it. Null when
 * nothing of the step is left to take back (others removed all it inserted, and it removed nothing).
 */
export function reversal(step: Revertible, lookup: CursorLookup, doc: Text): Reversal | null {
  const removals = step.inserted.flatMap((cursors) => stillThere(cursors, lookup, doc))
  const returns = step.removed.flatMap((removed) => placesOf(removed, lookup))
  if (removals.length === 0 && returns.length === 0) return null
  const changes = ChangeSet.of(specsOf(removals, returns), doc.length)
  return { changes, selection: selectionAfter(changes, step.selected) }
}

interface Stretch {
  from: number
  to: number
}

interface Insertion {
  readonly at: number
  readonly text: string
}

/** The stretches of the text shown that are characters of `cursors`. */
function stillThere(cursors: CursorList, lookup: CursorLookup, doc: Text): Stretch[] {
  const stretches: Stretch[] = []
  let previous: string | null = null
  for (const cursor of cursors) {
    if (cursor === previous) continue // the second half of an emoji
    previous = cursor
    const at = lookup.positionOf(cursor)
    if (at >= doc.length || lookup.cursorAt(at) !== cursor) continue // removed since
    const end = at + widthAt(doc, at)
    const last = stretches[stretches.length - 1]
    if (last && last.to === at) last.to = end
    else stretches.push({ from: at, to: end })
  }
  return stretches
}

/** Where the pieces of `removed` go back: its characters in order, split where others' text now stands between them. */
function placesOf(removed: RemovedText, lookup: CursorLookup): Insertion[] {
  const cursors = [...removed.cursors]
  if (cursors.length !== removed.text.length) {
    const first = cursors[0]
    return first === undefined ? [] : [{ at: lookup.positionOf(first), text: removed.text }]
  }
  const places: Insertion[] = []
  let start = 0
  let at = -1
  cursors.forEach((cursor, i) => {
    const position = lookup.positionOf(cursor)
    if (i > 0 && position === at) return
    if (i > 0) places.push({ at, text: removed.text.slice(start, i) })
    start = i
    at = position
  })
  if (cursors.length > 0) places.push({ at, text: removed.text.slice(start) })
  return places
}

/**
 * One change spec per place, in order. Pieces going back to one place are joined in the order
 * they were recorded (text order); a piece that would land inside a stretch being removed goes
 * after it (the stretch is gone afterwards, so both sides of it are the same place).
 */
function specsOf(removals: Stretch[], returns: Insertion[]): { from: number; to?: number; insert?: string }[] {
  const merged = mergeOverlapping(removals)
  const byPlace = new Map<number, string>()
  for (const { at, text } of returns) {
    const inside = merged.find((stretch) => stretch.from < at && at < stretch.to)
    const place = inside ? inside.to : at
    byPlace.set(place, (byPlace.get(place) ?? "") + text)
  }
  const specs: { from: number; to?: number; insert?: string }[] = []
  for (const stretch of merged) {
    const insert = byPlace.get(stretch.from)
    byPlace.delete(stretch.from)
    specs.push(insert === undefined ? { from: stretch.from, to: stretch.to } : { ...stretch, insert })
  }
  for (const [from, insert] of byPlace) specs.push({ from, insert })
  return specs.sort((a, b) => a.from - b.from)
}

function mergeOverlapping(stretches: Stretch[]): Stretch[] {
  const sorted = [...stretches].sort((a, b) => a.from - b.from)
  const merged: Stretch[] = []
  for (const stretch of sorted) {
    const last = merged[merged.length - 1]
    if (last && stretch.from <= last.to) last.to = Math.max(last.to, stretch.to)
    else merged.push({ ...stretch })
  }
  return merged
}

/**
 * Where the selection goes: as it was before the step, as near as the changes tell. Text that was
 * selected and comes back in one piece is selected again; otherwise the caret goes to the end of
 * the last change (where typing began, after text removed with Backspace, after text retyped).
 */
function selectionAfter(changes: ChangeSet, selected: boolean): EditorSelection {
  const spans: { from: number; to: number }[] = []
  changes.iterChangedRanges((_fromA, _toA, from, to) => spans.push({ from, to }), true)
  const back = spans.filter((span) => span.to > span.from)
  const only = selected && back.length === 1 ? back[0] : undefined
  if (only) return EditorSelection.single(only.from, only.to)
  const last = spans[spans.length - 1]
  return EditorSelection.single(last ? last.to : 0)
}

function widthAt(doc: Text, position: number): number {
  const code = doc.sliceString(position, position + 1).charCodeAt(0)
  return code >= 0xd800 && code <= 0xdbff && position + 1 < doc.length ? 2 : 1
}
