import {
  type ChangeSet,
  type EditorState,
  type Extension,
  Facet,
  RangeSetBuilder,
  StateEffect,
  StateField,
  type Text,
} from "@codemirror/state"
import { Decoration, type DecorationSet, type EditorView, ViewPlugin, type ViewUpdate } from "@codemirror/view"
import { isFromDocument } from "./binding/amToCodemirror.js"

/** Who wrote a stretch of the editor's text: an Automerge actor id (hex), "" while not known yet. */
export interface AuthorSpan {
  readonly from: number
  readonly to: number
  readonly actor: string
}

export interface AuthorshipOptions {
  /** This page's actor: what this person types is known to be theirs at once. */
  readonly selfActor: () => string
  /**
   * The actor that inserted each character of [from, to) of the document now, or null when the
   * document does not hold the editor's text (of `length`) right now.
   */
  readonly lookUp: (from: number, to: number, length: number) => readonly string[] | null
  /** Too much text of unknown authorship arrived to look it up: compute everything again. */
  readonly onStale: () => void
}

/** How an author's text shows: the class colouring it and the name a pointer resting on it reads. */
export interface AuthorStyle {
  /** `peer-color-N`, or `author-plain`. */
  readonly cls: string
  readonly name: string
}

/** Text of unknown authorship beyond this is computed again from the history instead of looked up. */
const LOOK_UP_LIMIT = 4000

interface AuthorshipState {
  /** null while authorship is not shown. */
  readonly spans: readonly AuthorSpan[] | null
  /** Text recently deleted while spans were known, for an Undo that writes it again. */
  readonly removed: readonly RemovedText[]
  /** Actor → how its text shows. */
  readonly classes: ReadonlyMap<string, AuthorStyle>
  /** Edits since the history was asked for (its answer describes the text before them). */
  readonly since: ChangeSet | null
}

/** Authorship as computed from the history, for the text as it was when it was asked for. */
export const showAuthors = StateEffect.define<{
  spans: readonly AuthorSpan[]
  classes: ReadonlyMap<string, AuthorStyle>
}>()
export const hideAuthors = StateEffect.define<null>()
/** Marks the moment the history is asked: edits from now on are mapped onto its answer. */
export const authorsRequested = StateEffect.define<null>()
export const setAuthorClasses = StateEffect.define<ReadonlyMap<string, AuthorStyle>>()
/** Authors looked up for text that arrived from others (positions in the current text). */
const authorsFound = StateEffect.define<readonly AuthorSpan[]>()

/** This page's actor, for what this person types. */
const selfActor = Facet.define<() => string, () => string>({ combine: (values) => values[0] ?? (() => "") })

const field = StateField.define<AuthorshipState>({
  create: () => ({ spans: null, removed: [], classes: new Map(), since: null }),
  update(value, transaction) {
    let { spans, removed, classes, since } = value
    if (transaction.docChanged) {
      if (since) since = since.compose(transaction.changes)
      if (spans) {
        const { changes, startState } = transaction
        const moved = movedSpans(spans, changes, startState.doc)
        const restored = moved ? NOTHING_RESTORED : restoredSpans(removed, changes)
        removed = removedSince(removed, spans, changes, startState.doc, restored.used)
        const author = isFromDocument(transaction) ? "" : transaction.state.facet(selfActor)()
        spans = applyChanges(spans, changes, author)
        if (moved) spans = fillIn(spans, moved)
        else if (restored.spans.length > 0) spans = fillIn(spans, restored.spans)
      }
    }
    for (const effect of transaction.effects) {
      if (effect.is(authorsRequested)) since = emptyChanges(transaction.startState)
      else if (effect.is(showAuthors)) {
        spans = since ? applyChanges(effect.value.spans, since, "") : effect.value.spans
        classes = effect.value.classes
        since = null
      } else if (effect.is(hideAuthors)) {
        spans = null
        removed = []
        since = null
      } else if (effect.is(setAuthorClasses)) classes = effect.value
      else if (effect.is(authorsFound) && spans) spans = fillIn(spans, effect.value)
    }
    return spans === value.spans && removed === value.removed && classes === value.classes && since === value.since
      ? value
      : { spans, removed, classes, since }
  },
})

/**
 * Colours each stretch of the text by who wrote it (a mark with the author's `peer-color-N`
 * class; no inline styles). Spans follow every edit: this person's typing is theirs at once, text
 * from others is looked up from the document shortly after it arrives.
 */
export function authorship(options: AuthorshipOptions): Extension {
  const decorations = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet
      #lookUpQueued = false

      constructor(readonly view: EditorView) {
        this.decorations = visibleDecorations(view)
      }

      update(update: ViewUpdate): void {
        const before = update.startState.field(field)
        const after = update.state.field(field)
        if (before !== after || update.viewportChanged) this.decorations = visibleDecorations(update.view)
        if (after.spans?.some((span) => span.actor === "") && !this.#lookUpQueued) {
          this.#lookUpQueued = true
          // After this update, outside CodeMirror's update cycle (it may not dispatch from here).
          setTimeout(() => {
            this.#lookUpQueued = false
            this.#lookUpUnknown()
          }, 0)
        }
      }

      #lookUpUnknown(): void {
        const spans = this.view.state.field(field).spans
        if (!spans) return
        const unknown = spans.filter((span) => span.actor === "")
        const size = unknown.reduce((sum, span) => sum + span.to - span.from, 0)
        if (size === 0) return
        if (size > LOOK_UP_LIMIT) {
          options.onStale()
          return
        }
        const found: AuthorSpan[] = []
        for (const span of unknown) {
          const actors = options.lookUp(span.from, span.to, this.view.state.doc.length)
          if (!actors) return // the document is not there yet; the next update tries again
          actors.forEach((actor, i) => {
            found.push({ from: span.from + i, to: span.from + i + 1, actor })
          })
        }
        this.view.dispatch({ effects: authorsFound.of(mergeRuns(found)) })
      }
    },
    { decorations: (plugin) => plugin.decorations },
  )
  return [selfActor.of(options.selfActor), field, decorations]
}

/** The spans shown now (null when authorship is off): what the legend counts. */
export function authorSpans(state: EditorState): readonly AuthorSpan[] | null {
  return state.field(field, false)?.spans ?? null
}

function visibleDecorations(view: EditorView): DecorationSet {
  const { spans, classes } = view.state.field(field)
  if (!spans) return Decoration.none
  const builder = new RangeSetBuilder<Decoration>()
  for (const { from, to } of view.visibleRanges) {
    for (let i = firstEndingAfter(spans, from); i < spans.length; i += 1) {
      const span = spans[i] as AuthorSpan
      if (span.from >= to) break
      const style = classes.get(span.actor)
      if (!style) continue
      builder.add(Math.max(span.from, from), Math.min(span.to, to), mark(style, span.actor))
    }
  }
  return builder.finish()
}

const marks = new Map<string, Decoration>()
/** The author's name as the mark's title: with colours alike, a pointer resting on the text tells. */
function mark(style: AuthorStyle, actor: string): Decoration {
  const key = `${style.cls} ${actor} ${style.name}`
  let decoration = marks.get(key)
  if (!decoration) {
    decoration = Decoration.mark({
      class: `cm-author ${style.cls}`,
      attributes: { "data-actor": actor, title: style.name },
    })
    marks.set(key, decoration)
  }
  return decoration
}

/** Index of the first span ending after `position` (spans are sorted and do not overlap). */
function firstEndingAfter(spans: readonly AuthorSpan[], position: number): number {
  let low = 0
  let high = spans.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((spans[middle] as AuthorSpan).to <= position) low = middle + 1
    else high = middle
  }
  return low
}

function emptyChanges(state: EditorState): ChangeSet {
  return state.changes([])
}

/**
 * The spans after `changes`: deleted text leaves its span, inserted text gets a span of its own
 * by `author` ("" meaning not known yet), splitting the span it landed in.
 */
export function applyChanges(spans: readonly AuthorSpan[], changes: ChangeSet, author: string): AuthorSpan[] {
  const inserted: AuthorSpan[] = []
  changes.iterChanges((_fromA, _toA, fromB, toB) => {
    if (toB > fromB) inserted.push({ from: fromB, to: toB, actor: author })
  })
  const mapped: AuthorSpan[] = []
  for (const span of spans) {
    const from = changes.mapPos(span.from, 1)
    const to = changes.mapPos(span.to, -1)
    if (to > from) mapped.push({ from, to, actor: span.actor })
  }
  return mergeRuns(
    cutOut(mapped, inserted)
      .concat(inserted)
      .sort((a, b) => a.from - b.from),
  )
}

/** Longest text whose move carries its authors along here; longer moves are looked up. */
const MOVE_LIMIT = 20_000

/**
 * Text an edit moved: took out and wrote again, the same characters (a line moved with Alt+↑/↓,
 * on this page or another), at its new place with the authors it had; null when the edit is not
 * such a move. The history's reading does the same for one change (history/bodyHistory.ts), so
 * colours do not change when they are computed again.
 */
export function movedSpans(spans: readonly AuthorSpan[], changes: ChangeSet, before: Text): AuthorSpan[] | null {
  const removed: { from: number; to: number }[] = []
  const added: { from: number; to: number }[] = []
  let removedText = ""
  let addedText = ""
  changes.iterChanges((fromA, toA, fromB, toB, inserted) => {
    if (toA > fromA) {
      removed.push({ from: fromA, to: toA })
      removedText += before.sliceString(fromA, toA)
    }
    if (toB > fromB) {
      added.push({ from: fromB, to: toB })
      addedText += inserted.toString()
    }
  })
  if (addedText.length === 0 || addedText.length > MOVE_LIMIT || addedText !== removedText) return null
  const authors: string[] = []
  for (const { from, to } of removed) {
    for (let at = from; at < to; at += 1) authors.push(authorAt(spans, at))
  }
  const moved: AuthorSpan[] = []
  let k = 0
  for (const { from, to } of added) {
    for (let at = from; at < to; at += 1, k += 1) moved.push({ from: at, to: at + 1, actor: authors[k] ?? "" })
  }
  return mergeRuns(moved)
}

/** Text deleted at `at` (a position in the text now), with who wrote each of its characters. */
export interface RemovedText {
  readonly at: number
  readonly text: string
  readonly authors: readonly string[]
}

const NOTHING_RESTORED = { spans: [], used: new Set<number>() } as const

/** How many deletions are remembered for an Undo (most recent first); older ones are forgotten. */
const REMOVED_KEPT = 50

/**
 * Text an edit writes exactly where the same text was deleted before (an Undo bringing words back,
 * or a word deleted and typed again), with the authors it had: the stretch the written text and
 * the deleted text share from their start, when it is all of the shorter one. The history's
 * reading follows the same rule (history/bodyHistory.ts `restoredRows`), so colours do not change
 * when they are computed again. `used`: the indexes of the deletions written back.
 */
export function restoredSpans(
  removed: readonly RemovedText[],
  changes: ChangeSet,
): { spans: AuthorSpan[]; used: ReadonlySet<number> } {
  const spans: AuthorSpan[] = []
  const used = new Set<number>()
  if (removed.length === 0) return { spans, used }
  changes.iterChanges((fromA, _toA, fromB, toB, inserted) => {
    const text = inserted.toString()
    // Words deleted one by one (Ctrl+Backspace) and brought back by one Undo: each remembered
    // deletion there gives its authors to the part of the text it matches, one after the other.
    let done = 0
    while (fromB + done < toB) {
      const rest = text.slice(done)
      const index = removed.findIndex((r, i) => !used.has(i) && r.at === fromA && sharesWholeStart(r.text, rest))
      const match = removed[index]
      if (!match) return
      used.add(index)
      const shared = Math.min(rest.length, match.text.length)
      for (let i = 0; i < shared; i += 1) {
        const from = fromB + done + i
        spans.push({ from, to: from + 1, actor: match.authors[i] ?? "" })
      }
      done += shared
    }
  })
  return { spans: mergeRuns(spans), used }
}

function sharesWholeStart(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length)
  return shorter > 0 && a.slice(0, shorter) === b.slice(0, shorter)
}

/**
 * The deletions remembered after `changes`: those not written back, mapped onto the new text,
 * and the ones `changes` made, with the authors `spans` gave their characters.
 */
function removedSince(
  removed: readonly RemovedText[],
  spans: readonly AuthorSpan[],
  changes: ChangeSet,
  before: Text,
  used: ReadonlySet<number>,
): readonly RemovedText[] {
  const made: RemovedText[] = []
  changes.iterChanges((fromA, toA) => {
    if (toA === fromA || toA - fromA > MOVE_LIMIT) return
    const authors: string[] = []
    for (let at = fromA; at < toA; at += 1) authors.push(authorAt(spans, at))
    made.push({ at: changes.mapPos(fromA, -1), text: before.sliceString(fromA, toA), authors })
  })
  // Deletions at the place where others were just written back came after them in the text (the
  // words before, deleted later with Backspace): an Undo that arrives in pieces writes them next.
  const restoredAt = new Set([...used].map((i) => removed[i]?.at))
  const moved = (r: RemovedText): RemovedText => {
    const at = changes.mapPos(r.at, restoredAt.has(r.at) ? 1 : -1)
    return at === r.at ? r : { ...r, at }
  }
  if (made.length === 0 && used.size === 0) return removed.length === 0 ? removed : removed.map(moved)
  const kept = removed.filter((_, i) => !used.has(i)).map(moved)
  return made.reverse().concat(kept).slice(0, REMOVED_KEPT)
}

/** Who wrote the character at `position` ("" when not known). */
function authorAt(spans: readonly AuthorSpan[], position: number): string {
  const span = spans[firstEndingAfter(spans, position)]
  return span && span.from <= position ? span.actor : ""
}

/** `spans` without the stretches `holes` cover (both sorted). */
function cutOut(spans: readonly AuthorSpan[], holes: readonly AuthorSpan[]): AuthorSpan[] {
  if (holes.length === 0) return [...spans]
  const out: AuthorSpan[] = []
  let h = 0
  for (const span of spans) {
    let from = span.from
    while (h < holes.length && (holes[h] as AuthorSpan).to <= from) h += 1
    let k = h
    while (k < holes.length && (holes[k] as AuthorSpan).from < span.to) {
      const hole = holes[k] as AuthorSpan
      if (hole.from > from) out.push({ from, to: hole.from, actor: span.actor })
      from = Math.max(from, hole.to)
      k += 1
    }
    if (from < span.to) out.push({ from, to: span.to, actor: span.actor })
  }
  return out
}

/** `spans` with the stretches `found` covers replaced by `found`'s authors. */
function fillIn(spans: readonly AuthorSpan[], found: readonly AuthorSpan[]): AuthorSpan[] {
  return mergeRuns(
    cutOut(spans, found)
      .concat(found)
      .sort((a, b) => a.from - b.from),
  )
}

/** Neighbouring spans of one actor become one. */
function mergeRuns(spans: readonly AuthorSpan[]): AuthorSpan[] {
  const out: AuthorSpan[] = []
  for (const span of spans) {
    const last = out[out.length - 1]
    if (last && last.actor === span.actor && last.to === span.from) out[out.length - 1] = { ...last, to: span.to }
    else out.push(span)
  }
  return out
}
