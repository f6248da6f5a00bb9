import { next as A, type Prop } from "@automerge/automerge/slim"
import { type DocHandle, decodeHeads, encodeHeads } from "@automerge/automerge-repo/slim"
import type { ChangeSet, EditorState, Transaction, TransactionSpec } from "@codemirror/state"
import type { EditListener } from "../undo/editRecord.js"
import { changesFromPatches, documentTransaction, isFromDocument, replaceAllTransaction } from "./amToCodemirror.js"
import { readText, spliceChanges } from "./codemirrorToAm.js"
import { recordOf, removedBy, TextCursors } from "./textCursors.js"

/** What the binding needs of an editor: an EditorView, or a bare state holder in unit tests. */
export interface EditorSurface {
  readonly state: EditorState
  dispatch(spec: TransactionSpec): void
  /** The person is composing text with an input method right now (see {@link TextBinding}). */
  readonly composing?: boolean
}

/** How often a binding holding others' changes back looks whether the composition has ended. */
const COMPOSITION_CHECK_MS = 50

/** The document's text at `path` and the heads it was read at: what a new editor starts with. */
export interface TextSnapshot {
  readonly text: string
  readonly heads: A.Heads
}

export function snapshotOf<T>(handle: DocHandle<T>, path: readonly Prop[]): TextSnapshot {
  const doc = handle.doc()
  return { text: readText(doc, path) ?? "", heads: A.getHeads(doc) }
}

/**
 * Keeps an editor and the text at `path` of an Automerge document in step, in both directions.
 *
 * Invariant: the editor shows exactly the text of the document at `#heads`. Everything follows
 * from keeping it:
 * - a local edit is written with `changeAt(#heads)`, i.e. against the very text the person saw,
 *   and `#heads` becomes that one new change (which holds everything the editor shows);
 * - a document change is brought in as `A.diff(#heads → current heads)`, and `#heads` becomes the
 *   current heads; so nothing is applied twice or missed, whatever order changes arrive in;
 * - if the document no longer holds `#heads` (it was replaced) or the texts ever disagree, the
 *   editor is reset to the document's text.
 *
 * A binding made for an editor that was edited before the document arrived starts off that
 * invariant by those edits; it writes them first of all, which restores it.
 *
 * Others' changes wait while the person composes a word with an input method (a phone keyboard
 * composes every word, a Japanese or Chinese IME every phrase): CodeMirror reads the composition
 * back from the DOM, and a change dispatched into the line under it made it read the word twice
 * ("frfriday" for "friday" when someone typed at the start of that line). The person's own
 * composed text is written against the text they see, as always, and the others' changes come in
 * once the composition has ended (or after a long pause in it, `CompositionWatch`).
 *
 * The handle emits "change" synchronously inside our own write; that event is ours and skipped.
 */
export class TextBinding<T> {
  readonly #handle: DocHandle<T>
  readonly #path: readonly Prop[]
  readonly #editor: EditorSurface
  #heads: A.Heads
  #writing = false
  #attached = true
  #earlierEdits: ChangeSet | null
  #listener: EditListener | null = null
  #waitingForComposition = false
  readonly #onChange = (): void => {
    // Not while earlier edits wait: they must be written first, and not from inside the handle's
    // own event (a change made there is queued by the handle and not applied when it returns).
    // Whoever made this binding calls catchUp() once the view is set up; that writes them.
    if (!this.#writing && this.#earlierEdits === null) this.catchUp()
  }

  /**
   * `shown`: the heads whose text the editor shows. `earlierEdits`: edits the person made to that
   * text before the binding existed (the editor shows them too); they are written against `shown`
   * before anything else, so Automerge merges them with whatever the document gained since.
   */
  constructor(
    handle: DocHandle<T>,
    path: readonly Prop[],
    editor: EditorSurface,
    shown: A.Heads,
    earlierEdits: ChangeSet | null = null,
  ) {
    this.#handle = handle
    this.#path = path
    this.#editor = editor
    this.#heads = shown
    this.#earlierEdits = earlierEdits
    handle.on("change", this.#onChange)
  }

  /** Tells `listener` (an undo history) about every edit this binding writes, and what moves the text. */
  listenEdits(listener: EditListener): void {
    this.#listener = listener
  }

  /** Cursors in the text the editor shows now (the document at `#heads`); null if it has no text. */
  cursors(): TextCursors | null {
    const doc = this.#handle.doc()
    return TextCursors.of(doc, this.#path, this.#behind(doc) ? this.#heads : undefined)
  }

  /** Called with the transactions the editor applied; writes this person's edits to the document. */
  editorChanged(transactions: readonly Transaction[]): void {
    if (!this.#attached) return
    for (const transaction of transactions) {
      if (transaction.docChanged && isFromDocument(transaction)) this.#listener?.moved(transaction.changes)
    }
    const local = transactions.filter((transaction) => transaction.docChanged && !isFromDocument(transaction))
    if (local.length === 0) return
    if (local.some((transaction) => transaction.startState.readOnly)) {
      // Read-only (a viewer, a closed meeting) writes nothing: put the document's text back.
      queueMicrotask(() => this.#reset("an edit was made while read-only"))
      return
    }
    this.#writeEarlierEdits()
    const shown = local[0]?.startState.doc
    this.#write(
      local.map((transaction) => transaction.changes),
      local,
      (from, to) => shown?.sliceString(from, to) ?? "",
    )
  }

  /**
   * Edits the person made before the binding existed, counted from the text at the heads it was
   * made with: written first, before anything else touches the document or the editor.
   */
  #writeEarlierEdits(): void {
    const edits = this.#earlierEdits
    if (edits === null) return
    this.#earlierEdits = null
    this.#write([edits], [], (from, to) =>
      (readText(A.view(this.#handle.doc(), this.#heads), this.#path) ?? "").slice(from, to),
    )
  }

  /**
   * Writes `changes` (made by `transactions` to the text `shown`), and tells the listener what
   * they removed and inserted.
   */
  #write(changes: readonly ChangeSet[], transactions: readonly Transaction[], shown: Slice): void {
    const doc = this.#handle.doc()
    if (!A.hasHeads(doc, this.#heads)) {
      queueMicrotask(() => this.#reset("the document was replaced under an edit"))
      return
    }
    const behind = this.#behind(doc)
    const whole = changes.reduce((all, next) => all.compose(next))
    const before = this.#listener ? TextCursors.of(doc, this.#path, behind ? this.#heads : undefined) : null
    const removed = before ? removedBy(whole, before, shown) : []
    const selection = transactions[0]?.startState.selection.main
    const selectionBefore =
      before && selection ? { anchor: before.cursorAt(selection.anchor), head: before.cursorAt(selection.head) } : null
    this.#writing = true
    try {
      if (behind) this.#makeActorKnown()
      const written = this.#handle.changeAt(encodeHeads(this.#heads), (draft) =>
        spliceChanges(draft, this.#path, changes),
      )
      if (written) this.#heads = decodeHeads(written)
    } finally {
      this.#writing = false
    }
    const after = before ? this.cursors() : null
    if (after) this.#listener?.edited(recordOf(whole, removed, after, selectionBefore), transactions)
    // The document had changes the editor did not show yet (they arrived while this edit was
    // being made); bring them in once the editor has finished its current update.
    if (behind) queueMicrotask(() => this.catchUp())
  }

  /**
   * Automerge 3.5's `changeAt` at heads that are not the current ones gives a wrong JS document
   * (text doubled) when this document's actor has made no change yet and sorts before the other
   * actors (automerge/automerge#1270, half of all fresh actors; the changes themselves are right,
   * only the materialised view is wrong). One empty change at the current heads first puts the
   * actor in place.
   */
  #makeActorKnown(): void {
    if (A.getLastLocalChange(this.#handle.doc()) !== undefined) return
    this.#handle.update((doc) => A.emptyChange(doc))
  }

  /** The document has changes the editor does not show yet. */
  #behind(doc: A.Doc<T>): boolean {
    return !sameHeads(A.getHeads(doc), this.#heads)
  }

  /** Brings every document change the editor does not show yet into it. */
  catchUp(): void {
    if (!this.#attached) return
    this.#writeEarlierEdits()
    if (this.#editor.composing) {
      this.#catchUpAfterComposition()
      return
    }
    const doc = this.#handle.doc()
    const heads = A.getHeads(doc)
    if (sameHeads(heads, this.#heads)) return
    if (!A.hasHeads(doc, this.#heads)) {
      this.#reset(null)
      return
    }
    const state = this.#editor.state
    let changes: ReturnType<typeof changesFromPatches>
    try {
      changes = changesFromPatches(A.diff(doc, this.#heads, heads), this.#path, state.doc.length)
    } catch (error) {
      // A patch outside the editor's text: the two disagree, which the invariant rules out.
      console.error("The editor and the document disagree; showing the document's text", error)
      this.#reset(null)
      return
    }
    this.#heads = heads
    if (changes) this.#editor.dispatch(documentTransaction(changes))
    const text = readText(doc, this.#path) ?? ""
    if (this.#editor.state.doc.length !== text.length || this.#editor.state.doc.toString() !== text) {
      console.error("The editor and the document disagree after a change; showing the document's text")
      this.#reset(null)
    }
  }

  /**
   * Catches up once the person has stopped composing. Looked at on a timer rather than on the
   * `compositionend` event: CodeMirror reads the composition's last text after that event, a
   * composition may stay open while the person pauses, and the browser may never send its end.
   */
  #catchUpAfterComposition(): void {
    if (this.#waitingForComposition) return
    this.#waitingForComposition = true
    const check = (): void => {
      if (this.#attached && this.#editor.composing) {
        setTimeout(check, COMPOSITION_CHECK_MS)
        return
      }
      this.#waitingForComposition = false
      this.catchUp()
    }
    setTimeout(check, COMPOSITION_CHECK_MS)
  }

  /** Stops both directions for good: the editor keeps its text and writes nothing back. */
  detach(): void {
    if (!this.#attached) return
    this.#attached = false
    this.#handle.off("change", this.#onChange)
  }

  #reset(reason: string | null): void {
    if (!this.#attached) return
    if (reason) console.warn(`Showing the document's text again: ${reason}`)
    this.#listener?.reset()
    const doc = this.#handle.doc()
    this.#heads = A.getHeads(doc)
    const spec = replaceAllTransaction(this.#editor.state, readText(doc, this.#path) ?? "")
    if (spec) this.#editor.dispatch(spec)
  }
}

/** Part of a text, from `from` to `to`. */
type Slice = (from: number, to: number) => string

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const sorted = [...b].sort()
  return [...a].sort().every((head, i) => head === sorted[i])
}
