import type { ChangeDesc, Transaction } from "@codemirror/state"
import type { CursorList } from "./cursorList.js"

/**
 * Text this person removed, with the cursors of its characters: a removed character's cursor
 * still tells where it stood among the characters that are left, even after other people typed
 * around it or where it was. A very long removal keeps only its first character's cursor (see
 * `cursors`): it comes back as one piece.
 */
export interface RemovedText {
  readonly text: string
  /** One per UTF-16 code unit of `text`, or a single one standing for the whole text. */
  readonly cursors: CursorList
  /** The characters right before and after it when it was removed; null at the text's start or end. */
  readonly before: string | null
  readonly after: string | null
}

/** One edit this person wrote into the document, as the undo history keeps it. */
export interface RecordedEdit {
  /** What was removed, in text order. */
  readonly removed: readonly RemovedText[]
  /** The cursors of what was inserted, one list per inserted stretch. */
  readonly inserted: readonly CursorList[]
  /**
   * Where the edit was, when it touched a single place: `from`-`to` in the text before it,
   * `from`-`toAfter` in the text after. Null for an edit in several places at once.
   */
  readonly span: { readonly from: number; readonly to: number; readonly toAfter: number } | null
  /**
   * Where the selection was before the edit, as the cursors of the characters at its two ends
   * (Automerge's end cursor at the text's end): undo puts it back there, among whatever
   * characters are there then. Null when not known (edits made before the binding existed).
   */
  readonly selectionBefore: { readonly anchor: string; readonly head: string } | null
}

/** Where cursors are in the text the editor shows now. */
export interface CursorLookup {
  /** The position of a character, or for a removed one, where it would be. */
  positionOf(cursor: string): number
  /** The cursor of the character at `position` (something that is no character's, at the end). */
  cursorAt(position: number): string
}

/** What the text binding tells about the edits it writes (an undo history listens). */
export interface EditListener {
  /** This person's edit, made by `transactions` (none for edits made before the binding existed). */
  edited(edit: RecordedEdit, transactions: readonly Transaction[]): void
  /** The text changed by something else (others' edits coming in): positions move. */
  moved(changes: ChangeDesc): void
  /** The editor now shows another text altogether: nothing recorded applies to it any more. */
  reset(): void
}
