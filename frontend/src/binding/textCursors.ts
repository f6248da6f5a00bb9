import { next as A, type Prop } from "@automerge/automerge/slim"
import type { ChangeSet } from "@codemirror/state"
import { CursorList } from "../undo/cursorList.js"
import type { CursorLookup, RecordedEdit, RemovedText } from "../undo/editRecord.js"

type Backend = ReturnType<typeof A.getBackend>

/** What Automerge gives as the cursor of the position past the last character. */
const END = "e"

/**
 * Removed text longer than this is remembered by its first character's cursor only (it comes
 * back in one piece): a cursor costs a few microseconds to read, and a select-all-and-delete of a
 * long meeting should not pause the page.
 */
export const TRACKED_REMOVAL = 20_000

/**
 * Cursors in the text at `path` of a document as it was at `heads` (or as it is now, without
 * them: the common case, and the quicker one). Automerge's cursor of a character is the id of the
 * operation that inserted it; it keeps its place among the other characters after it is removed.
 */
export class TextCursors implements CursorLookup {
  readonly #backend: Backend
  readonly #text: string
  readonly #heads: A.Heads | undefined

  private constructor(backend: Backend, text: string, heads: A.Heads | undefined) {
    this.#backend = backend
    this.#text = text
    this.#heads = heads
  }

  /** The cursors of the text at `path`, or null if the document has no text there. */
  static of(doc: A.Doc<unknown>, path: readonly Prop[], heads?: A.Heads): TextCursors | null {
    const backend = A.getBackend(doc)
    let object = "_root"
    for (const part of path) {
      const value = backend.getWithType(object, part, heads)
      if (value === null || (value[0] !== "map" && value[0] !== "text" && value[0] !== "list")) return null
      object = value[1] as string
    }
    return new TextCursors(backend, object, heads)
  }

  positionOf(cursor: string): number {
    return this.#backend.getCursorPosition(this.#text, cursor, this.#heads)
  }

  cursorAt(position: number): string {
    return this.#backend.getCursor(this.#text, position, this.#heads)
  }

  /** The cursors of the characters from `from` to `to`. */
  between(from: number, to: number): CursorList {
    const list = new CursorList()
    for (let position = from; position < to; position += 1) list.push(this.cursorAt(position))
    return list
  }
}

/**
 * What an edit removed, read before it is written (`cursorsShown`: cursors in the text `shown`). A long
 * removal keeps only its first cursor (see {@link TRACKED_REMOVAL}).
 */
export function removedBy(
  changes: ChangeSet,
  cursorsShown: TextCursors,
  shown: (from: number, to: number) => string,
): RemovedText[] {
  const removed: RemovedText[] = []
  changes.iterChanges((fromA, toA) => {
    if (toA === fromA) return
    const cursors =
      toA - fromA > TRACKED_REMOVAL ? cursorsShown.between(fromA, fromA + 1) : cursorsShown.between(fromA, toA)
    const before = fromA > 0 ? cursorsShown.cursorAt(fromA - 1) : null
    const after = cursorsShown.cursorAt(toA)
    removed.push({ text: shown(fromA, toA), cursors, before, after: after === END ? null : after })
  })
  return removed
}

/** The whole record of an edit, once written: `after` reads the text it made. */
export function recordOf(
  changes: ChangeSet,
  removed: RemovedText[],
  after: TextCursors,
  selectionBefore: RecordedEdit["selectionBefore"],
): RecordedEdit {
  const inserted: CursorList[] = []
  const spans: { from: number; to: number; toAfter: number }[] = []
  changes.iterChanges((fromA, toA, fromB, toB) => {
    spans.push({ from: fromA, to: toA, toAfter: toB })
    if (toB > fromB) inserted.push(after.between(fromB, toB))
  })
  return { removed, inserted, span: spans.length === 1 ? (spans[0] ?? null) : null, selectionBefore }
}
