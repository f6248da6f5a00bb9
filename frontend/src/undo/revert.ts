import { ChangeSet, EditorSelection, type Text } from "@codemirror/state"
import type { CursorList } from "./cursorList.js"
import type { CursorLookup, RemovedText } from "./editRecord.js"

/** What an undo step holds: everything it removed and inserted, and where the caret goes after. */
export interface Revertible {
  readonly removed: readonly RemovedText[]
  readonly inserted: readonly CursorList[]
  /**
   * Where the selection goes when it is taken back: text restored in one piece selected (it was
   * selected before the step), or the caret at the start or the end of the last change.
   */
  readonly selection: "restored" | "start" | "end"
}

/**
 * Text an undo or redo puts back is new characters, with new cursors: `newest` follows a
 * character's cursor to its newest copy (itself when it was never put back).
 */
type Copies = (cursor: string) => string

/** The changes that take a step back in the text shown now, and where the selection goes. */
interface Reversal {
  readonly changes: ChangeSet
  readonly selection: EditorSelection
  /**
   * The cursors of the characters the changes put back, in the order of the text they insert:
   * the undo history maps them to their copies once written.
   */
  readonly restored: readonly string[]
}

/**
 * Takes back `step` in `doc` (the text the editor shows, which `lookup` resolves cursors in):
 * the characters it inserted that are still there go, and the text it removed comes back where
 * its characters stood. Both are found by Automerge cursors, not by positions mapped through
 * later edits, so other people's text is never removed, and text someone typed inside a removed
 * stretch meanwhile stays where they put it, with the stretch restored around it. Null when
 * nothing of the step is left to take back (others removed all it inserted, and it removed nothing).
 */
export function reversal(step: Revertible, lookup: CursorLookup, doc: Text, newest: Copies): Reversal | null {
  const removals = step.inserted.flatMap((cursors) => stillThere(cursors, lookup, doc, newest))
  const returns = step.removed.flatMap((removed) => placesOf(removed, lookup, doc, newest))
  if (removals.length === 0 && returns.length === 0) return null
  const { specs, restored } = specsOf(removals, returns)
  const changes = ChangeSet.of(specs, doc.length)
  return { changes, selection: selectionAfter(changes, step.selection), restored }
}

interface Stretch {
  from: number
  to: number
}

interface Insertion {
  readonly at: number
  readonly text: string
  /** The cursors of `text`'s characters, one per UTF-16 code unit, or none (a long removal). */
  readonly cursors: readonly string[]
}

/** The stretches of the text shown that are characters of `cursors` (or their newest copies). */
function stillThere(cursors: CursorList, lookup: CursorLookup, doc: Text, newest: Copies): Stretch[] {
  const stretches: Stretch[] = []
  let previous: string | null = null
  for (const original of cursors) {
    const cursor = newest(original)
    if (cursor === previous) continue // the second half of an emoji
    previous = cursor
    const at = lookup.positionOf(cursor)
    if (at >= doc.length || lookup.cursorAt(at) !== cursor) continue // removed since
    const end = at + widthAt(doc, at)
    const last = stretches[stretches.length - 1]
    if (last && last.to === at) last.to = end
    else stretches.push({ from: at, to: end })
  }
  return stretches.sort((a, b) => a.from - b.from)
}

/**
 * Where the pieces of `removed` go back: its characters in order, split where others' text now
 * stands between them. A removed character's cursor gives the place among the characters that
 * are left; but text put back by an earlier undo is new characters, which Automerge places before
 * the removed ones in the same gap. So the place is kept between the copies of the characters that
 * stood right before and after the removed text when it was removed.
 */
function placesOf(removed: RemovedText, lookup: CursorLookup, doc: Text, newest: Copies): Insertion[] {
  const cursors = [...removed.cursors]
  const bounds = boundsOf(removed, lookup, newest)
  const resolved = (cursor: string) => Math.min(Math.max(lookup.positionOf(cursor), bounds.from), bounds.to)
  const first = cursors[0]
  if (first === undefined) return []
  // Text typed into the gap since comes before the removed characters (Automerge puts new text
  // first), so it stays with what precedes the gap: " BEN" appended to "ED1: one" stays on that
  // line when the removed "\nED2: two" comes back. Except where the typing continues the removed
  // text: the restored piece then goes right after the character it followed, and the typing
  // follows it. So inside a word ("next c|all in May" removed, " BEN" typed at the gap: "next call
  // in May BEN", not "next c BENall in May"), and at the start of a line whose text was removed
  // (a line cut while its writer typed on: "and owners" typed on the emptied line comes after
  // "Cy writes the plan " when the cut is undone, not before it).
  const firstPlace = resolved(first)
  const charBefore = bounds.from > 0 ? doc.sliceString(bounds.from - 1, bounds.from) : "\n"
  const continuesWord = bounds.from > 0 && /\S/.test(removed.text.charAt(0)) && /\S/.test(charBefore)
  const continuesLine = charBefore === "\n" && !removed.text.startsWith("\n")
  const place = (cursor: string) => {
    const at = resolved(cursor)
    return (continuesWord || continuesLine) && at === firstPlace ? bounds.from : at
  }
  if (cursors.length !== removed.text.length) return [{ at: place(first), text: removed.text, cursors: [] }]
  const places: Insertion[] = []
  let start = 0
  let at = -1
  cursors.forEach((cursor, i) => {
    const position = place(cursor)
    if (i > 0 && position === at) return
    if (i > 0) places.push({ at, text: removed.text.slice(start, i), cursors: cursors.slice(start, i) })
    start = i
    at = position
  })
  if (cursors.length > 0) places.push({ at, text: removed.text.slice(start), cursors: cursors.slice(start) })
  return places
}

/** Between the newest copies of the characters around `removed` when it was removed (as far as they are known). */
function boundsOf(removed: RemovedText, lookup: CursorLookup, newest: Copies): { from: number; to: number } {
  let from = 0
  let to = Number.POSITIVE_INFINITY
  if (removed.before !== null) {
    const before = newest(removed.before)
    from = lookup.positionOf(before)
    // Past the character (both halves of an emoji have its cursor), unless it was removed since.
    while (lookup.cursorAt(from) === before) from += 1
  }
  if (removed.after !== null) to = lookup.positionOf(newest(removed.after))
  return from <= to ? { from, to } : { from: 0, to: Number.POSITIVE_INFINITY }
}

interface Spec {
  from: number
  to?: number
  insert?: string
}

/**
 * One change spec per place, in order, and the cursors of what they insert. Pieces going back to
 * one place are joined in the order they were recorded (text order); a piece that would land
 * inside a stretch being removed goes after it (the stretch is gone afterwards, so both sides of
 * it are the same place).
 */
function specsOf(removals: Stretch[], returns: Insertion[]): { specs: Spec[]; restored: string[] } {
  const merged = mergeOverlapping(removals)
  const byPlace = new Map<number, { text: string; cursors: string[]; whole: boolean }>()
  for (const { at, text, cursors } of returns) {
    const inside = merged.find((stretch) => stretch.from < at && at < stretch.to)
    const place = inside ? inside.to : at
    const there = byPlace.get(place) ?? { text: "", cursors: [], whole: true }
    byPlace.set(place, {
      text: there.text + text,
      cursors: [...there.cursors, ...cursors],
      whole: there.whole && cursors.length === text.length,
    })
  }
  const specs: (Spec & { cursors: string[]; whole: boolean })[] = []
  for (const stretch of merged) {
    const back = byPlace.get(stretch.from)
    byPlace.delete(stretch.from)
    specs.push({
      from: stretch.from,
      to: stretch.to,
      insert: back?.text,
      cursors: back?.cursors ?? [],
      whole: back?.whole ?? true,
    })
  }
  for (const [from, back] of byPlace) specs.push({ from, insert: back.text, cursors: back.cursors, whole: back.whole })
  specs.sort((a, b) => a.from - b.from)
  // Copies are known only when every character put back is (not for a long removal kept whole).
  const whole = specs.every((spec) => spec.whole)
  return {
    specs: specs.map(({ from, to, insert }) => ({
      from,
      ...(to === undefined ? {} : { to }),
      ...(insert ? { insert } : {}),
    })),
    restored: whole ? specs.flatMap((spec) => spec.cursors) : [],
  }
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
 * selected and comes back in one piece is selected again; otherwise the caret goes to the start or
 * the end of the last change (where undone typing began, before text restored from Delete, after
 * text restored from Backspace or retyped by a redo).
 */
function selectionAfter(changes: ChangeSet, mode: Revertible["selection"]): EditorSelection {
  const spans: { from: number; to: number }[] = []
  changes.iterChangedRanges((_fromA, _toA, from, to) => spans.push({ from, to }), true)
  const back = spans.filter((span) => span.to > span.from)
  const only = mode === "restored" && back.length === 1 ? back[0] : undefined
  if (only) return EditorSelection.single(only.from, only.to)
  const last = spans[spans.length - 1]
  if (!last) return EditorSelection.single(0)
  return EditorSelection.single(mode === "start" ? last.from : last.to)
}

function widthAt(doc: Text, position: number): number {
  const code = doc.sliceString(position, position + 1).charCodeAt(0)
  return code >= 0xd800 && code <= 0xdbff && position + 1 < doc.length ? 2 : 1
}
