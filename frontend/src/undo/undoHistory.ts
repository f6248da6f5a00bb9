import {
  Annotation,
  type ChangeDesc,
  EditorSelection,
  type EditorState,
  Transaction,
  type TransactionSpec,
} from "@codemirror/state"
import { CursorList } from "./cursorList.js"
import type { CursorLookup, EditListener, RecordedEdit, RemovedText } from "./editRecord.js"
import { type Revertible, reversal } from "./revert.js"

/** Marks the transactions an undo or a redo makes: what they write goes on the other stack. */
const undoing = Annotation.define<"undo" | "redo">()

/** Keys typed (or removed) with pauses shorter than this are one undo step, as in CodeMirror. */
const JOIN_WITHIN_MS = 500

/** Steps kept: the oldest go first. */
const DEPTH = 200

/** What the history needs of an editor: an EditorView, or a bare state holder in unit tests. */
export interface UndoTarget {
  readonly state: EditorState
  dispatch(spec: TransactionSpec): void
}

/**
 * This person's undo history over the shared text. CodeMirror's own history maps its steps
 * through everyone's later edits by position, which cannot tell where removed text belongs once
 * someone typed where it was: undoing a deletion then splits their words. Here every step
 * remembers the Automerge cursors of what it inserted and removed (see {@link RecordedEdit}), and
 * undo finds them again in the document (see {@link reversal}): it takes back only this person's
 * characters, and puts removed text back exactly between the characters it stood between.
 *
 * Steps group like CodeMirror's: a run of typing, or of Backspace or Delete, at one spot with
 * pauses under {@link JOIN_WITHIN_MS} is one step.
 */
export class UndoHistory implements EditListener {
  readonly #lookup: () => CursorLookup | null
  #done: Step[] = []
  #undone: Step[] = []
  /** The step an undo or redo is taking back right now, and the cursors of what it puts back. */
  #reverting: { readonly step: Step; readonly restored: readonly string[] } | null = null
  /**
   * Text an undo or redo puts back is new characters: each removed character's cursor maps to
   * its copy's, so older steps still find "their" characters (see {@link newest}).
   */
  readonly #copies = new Map<string, string>()

  /** `lookup`: cursors in the text the editor shows now, or null when the editor is not bound. */
  constructor(lookup: () => CursorLookup | null) {
    this.#lookup = lookup
  }

  edited(edit: RecordedEdit, transactions: readonly Transaction[]): void {
    const by = transactions.map((transaction) => transaction.annotation(undoing)).find((mark) => mark !== undefined)
    const last = transactions[transactions.length - 1]
    const time = last?.annotation(Transaction.time) ?? Date.now()
    if (by !== undefined) {
      // What an undo wrote is redone from the other stack, and the other way round. Typing after
      // an undo or a redo starts a step of its own.
      this.#rememberCopies(edit)
      this.#endGroup()
      this.#push(by === "undo" ? this.#undone : this.#done, this.#stepTakingBack(edit, by, time))
      return
    }
    this.#undone = []
    const kind = kindOf(last)
    const top = this.#done[this.#done.length - 1]
    const joined = top ? joining(top, edit, kind, time) : null
    const selected = transactions[0] ? !transactions[0].startState.selection.main.empty : false
    if (joined) this.#done[this.#done.length - 1] = joined
    else this.#push(this.#done, stepOf(edit, kind, time, selected ? "restored" : caretAfter(kind)))
  }

  /**
   * The step an undo (or redo) wrote, which a redo (or undo) takes back. Redoing puts the caret
   * after the text typed again, undoing that again restores the step's own selection.
   */
  #stepTakingBack(edit: RecordedEdit, by: "undo" | "redo", time: number): Step {
    const original = this.#reverting?.step
    const selection = by === "undo" ? "end" : (original?.restores ?? "end")
    return { ...stepOf(edit, by, time, selection), restores: original?.selection ?? "end" }
  }

  /** The characters an undo or redo just wrote are copies of the removed ones it put back. */
  #rememberCopies(edit: RecordedEdit): void {
    const restored = this.#reverting?.restored ?? []
    const copies = edit.inserted.flatMap((cursors) => [...cursors])
    if (restored.length !== copies.length) return
    restored.forEach((cursor, i) => {
      const copy = copies[i] as string
      if (copy !== cursor) this.#copies.set(cursor, copy)
    })
  }

  /** The newest copy of the character `cursor` (itself when it was never put back). */
  readonly #newest = (cursor: string): string => {
    let current = cursor
    for (let hops = 0; hops < 10_000; hops += 1) {
      const copy = this.#copies.get(current)
      if (copy === undefined) return current
      current = copy
    }
    return current
  }

  moved(changes: ChangeDesc): void {
    const top = this.#done[this.#done.length - 1]
    // This person's next key lands before text others put right at their caret (see
    // documentTransaction), so the step's end stays before it too.
    if (top?.end != null) {
      this.#done[this.#done.length - 1] = { ...top, end: changes.mapPos(Math.min(top.end, changes.length), -1) }
    }
  }

  reset(): void {
    this.#done = []
    this.#undone = []
    this.#copies.clear()
  }

  undo(target: UndoTarget): boolean {
    return this.#takeBack(this.#done, target, "undo")
  }

  redo(target: UndoTarget): boolean {
    return this.#takeBack(this.#undone, target, "redo")
  }

  /** Takes back the newest step of `stack` that still has something to take back. */
  #takeBack(stack: Step[], target: UndoTarget, by: "undo" | "redo"): boolean {
    if (target.state.readOnly || stack.length === 0) return false
    const lookup = this.#lookup()
    if (lookup === null) return false
    while (stack.length > 0) {
      const step = stack.pop() as Step
      let back: ReturnType<typeof reversal>
      try {
        back = reversal(step, lookup, target.state.doc, this.#newest)
      } catch (error) {
        // A cursor the document does not know: it was replaced. Nothing recorded applies.
        console.warn("The undo history does not fit the text any more; it starts afresh", error)
        this.reset()
        return false
      }
      if (back === null) continue
      this.#reverting = { step, restored: back.restored }
      try {
        target.dispatch({
          changes: back.changes,
          selection: back.selection,
          scrollIntoView: true,
          userEvent: by,
          annotations: undoing.of(by),
        })
      } finally {
        this.#reverting = null
      }
      this.#restoreSelection(step, target)
      return true
    }
    return false
  }

  /**
   * Puts the selection back where it was before `step`, once it is taken back: between the same
   * characters (or their copies, just written), so a caret in a moved line or after a Tab is
   * where the person left it. Without that record the reversal's own guess stays.
   */
  #restoreSelection(step: Step, target: UndoTarget): void {
    const lookup = this.#lookup()
    if (step.selectionBefore === null || lookup === null) return
    const length = target.state.doc.length
    const at = (cursor: string) => Math.min(lookup.positionOf(this.#newest(cursor)), length)
    try {
      const selection = EditorSelection.single(at(step.selectionBefore.anchor), at(step.selectionBefore.head))
      target.dispatch({ selection, scrollIntoView: true })
    } catch (error) {
      console.warn("The selection from before could not be put back", error)
    }
  }

  /** The newest step takes no more edits: the next one starts a step of its own. */
  #endGroup(): void {
    const top = this.#done[this.#done.length - 1]
    if (top) this.#done[this.#done.length - 1] = { ...top, end: null }
  }

  #push(stack: Step[], step: Step): void {
    stack.push(step)
    if (stack.length > DEPTH) stack.shift()
  }
}

type Kind = "type" | "delete.backward" | "delete.forward" | "undo" | "redo" | "other"

interface Step {
  readonly removed: readonly RemovedText[]
  readonly inserted: readonly CursorList[]
  readonly kind: Kind
  readonly time: number
  /** The cursors of the selection's ends before the step, or null (then `selection` guesses). */
  readonly selectionBefore: RecordedEdit["selectionBefore"]
  /** Where the selection goes when the step is taken back, without `selectionBefore`. */
  readonly selection: Revertible["selection"]
  /** For a step an undo or redo wrote: the selection of the step it took back (for taking this one back in turn). */
  readonly restores?: Revertible["selection"]
  /** Where the step ends in the text shown now (the caret after it), when it is at one place. */
  readonly end: number | null
}

function stepOf(edit: RecordedEdit, kind: Kind, time: number, selection: Revertible["selection"]): Step {
  return {
    removed: edit.removed,
    inserted: edit.inserted,
    kind,
    time,
    selection,
    selectionBefore: edit.selectionBefore,
    end: endOf(edit),
  }
}

function endOf(edit: RecordedEdit): number | null {
  if (edit.span === null) return null
  return edit.inserted.length > 0 ? edit.span.toAfter : edit.span.from
}

/** Where the caret goes when a step of `kind` is taken back: before text restored from Delete, else after. */
function caretAfter(kind: Kind): Revertible["selection"] {
  return kind === "delete.forward" ? "start" : "end"
}

function kindOf(transaction: Transaction | undefined): Kind {
  if (transaction?.isUserEvent("input.type")) return "type"
  if (transaction?.isUserEvent("delete.backward")) return "delete.backward"
  if (transaction?.isUserEvent("delete.forward")) return "delete.forward"
  return "other"
}

/**
 * `top` with `edit` joined to it, if the edit goes on from where the step ended, soon enough and
 * in the same way: typing on at its end, or removing the character before (Backspace) or after
 * (Delete) it. Removed characters are kept in text order, so they come back in that order.
 */
function joining(top: Step, edit: RecordedEdit, kind: Kind, time: number): Step | null {
  const span = edit.span
  if (kind !== top.kind || time - top.time > JOIN_WITHIN_MS || span === null || top.end === null) return null
  const end = endOf(edit)
  if (kind === "type" && edit.removed.length === 0 && span.from === top.end) {
    return { ...top, inserted: [...top.inserted, ...edit.inserted], time, end }
  }
  const [before] = top.removed
  const [removed] = edit.removed
  if (edit.inserted.length > 0 || top.removed.length !== 1 || !before || !removed || edit.removed.length !== 1) {
    return null
  }
  if (kind === "delete.backward" && span.to === top.end) {
    return { ...top, removed: [joined(removed, before)], time, end }
  }
  if (kind === "delete.forward" && span.from === top.end) {
    return { ...top, removed: [joined(before, removed)], time, end }
  }
  return null
}

/** One removed text of two that stood side by side: `first` then `second`. */
function joined(first: RemovedText, second: RemovedText): RemovedText {
  const whole = (removed: RemovedText) => removed.cursors.length === removed.text.length
  const around = { before: first.before, after: second.after }
  if (!whole(first) || !whole(second)) {
    // One of them is kept as a single piece: so is the whole, at the first one's place.
    const [start] = first.cursors
    return { text: first.text + second.text, cursors: CursorList.of(start === undefined ? [] : [start]), ...around }
  }
  return { text: first.text + second.text, cursors: first.cursors.concat(second.cursors), ...around }
}
