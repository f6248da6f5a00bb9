import type { Patch, Prop } from "@automerge/automerge/slim"
import { Annotation, ChangeSet, type EditorState, Transaction, type TransactionSpec } from "@codemirror/state"

/** Marks transactions that bring the document's changes into the editor (never written back). */
export const fromDocument = Annotation.define<true>()

/** True for a transaction made by the binding from the document, not by this person. */
export function isFromDocument(transaction: Transaction): boolean {
  return transaction.annotation(fromDocument) === true
}

/**
 * One CodeMirror change set for Automerge patches to the text at `path`, or null when none of
 * them touch it. Patches come in sequence (each index counts in the text after the ones before),
 * so they are composed one by one. Indexes are UTF-16 code units on both sides.
 */
export function changesFromPatches(patches: readonly Patch[], path: readonly Prop[], length: number): ChangeSet | null {
  let changes = ChangeSet.empty(length)
  for (const patch of patches) {
    const step = changeOf(patch, path, changes.newLength)
    if (step) changes = changes.compose(step)
  }
  return changes.empty ? null : changes
}

function changeOf(patch: Patch, path: readonly Prop[], length: number): ChangeSet | null {
  if (isPath(patch.path, path)) {
    // The text itself was put (created or replaced) or removed: it is now exactly this value.
    if (patch.action === "put") return ChangeSet.of({ from: 0, to: length, insert: textOf(patch.value) }, length)
    if (patch.action === "del") return ChangeSet.of({ from: 0, to: length }, length)
    return null
  }
  const index = indexInText(patch.path, path)
  if (index === null) return null
  switch (patch.action) {
    case "splice":
      return ChangeSet.of({ from: index, insert: patch.value }, length)
    case "del":
      return ChangeSet.of({ from: index, to: index + (patch.length ?? 1) }, length)
    case "insert":
      return ChangeSet.of({ from: index, insert: patch.values.map(textOf).join("") }, length)
    default:
      // Marks, conflicts and counters do not change the characters.
      return null
  }
}

/**
 * The transaction that shows the document's changes in the editor. It is marked remote and kept
 * out of the undo history: CodeMirror's history then maps this person's own events through it,
 * so Undo never removes someone else's text.
 *
 * The caret stays before text inserted exactly at it (`assoc` -1, CodeMirror's own mapping of a
 * selection through changes). That is where Automerge puts this person's next character too: a
 * local insert at index i is an insert after the character at i - 1, and being the newest insert
 * after that character it comes before everything else inserted there concurrently. So two people
 * typing at one spot each keep typing after their own last character, and their words stay whole.
 * (Mapping the caret past the insert, as the official plugin does, lands the next keystroke inside
 * the other person's word.) The transaction sets no selection of its own: one that does counts as
 * this person moving the caret, which closes an open completion list (the action item's owners)
 * whenever anyone else types anywhere.
 */
export function documentTransaction(changes: ChangeSet): TransactionSpec {
  return {
    changes,
    annotations: [fromDocument.of(true), Transaction.remote.of(true), Transaction.addToHistory.of(false)],
  }
}

/**
 * A transaction making the editor's text `text`, as a document change, or null when it already is.
 * Only the stretch between the longest common start and end changes, so the caret, the selection
 * and the scroll position stay where they were unless that stretch held them.
 */
export function replaceAllTransaction(state: EditorState, text: string): TransactionSpec | null {
  const current = state.doc.toString()
  if (current === text) return null
  const shorter = Math.min(current.length, text.length)
  let start = 0
  while (start < shorter && current.charCodeAt(start) === text.charCodeAt(start)) start += 1
  let end = 0
  while (
    end < shorter - start &&
    current.charCodeAt(current.length - 1 - end) === text.charCodeAt(text.length - 1 - end)
  ) {
    end += 1
  }
  // Never split a surrogate pair: widen the stretch to whole characters.
  if (start > 0 && isHighSurrogate(text.charCodeAt(start - 1))) start -= 1
  if (end > 0 && isLowSurrogate(text.charCodeAt(text.length - end))) end -= 1
  const change = { from: start, to: current.length - end, insert: text.slice(start, text.length - end) }
  return documentTransaction(ChangeSet.of(change, current.length))
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

function isPath(candidate: readonly Prop[], path: readonly Prop[]): boolean {
  return candidate.length === path.length && path.every((part, i) => candidate[i] === part)
}

/** The character index of a patch inside the text at `path`, or null for a patch elsewhere. */
function indexInText(candidate: readonly Prop[], path: readonly Prop[]): number | null {
  if (candidate.length !== path.length + 1) return null
  if (!path.every((part, i) => candidate[i] === part)) return null
  const index = candidate[path.length]
  return typeof index === "number" ? index : null
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : ""
}
