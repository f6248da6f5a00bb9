import { next as A, type Prop } from "@automerge/automerge/slim"
import type { ChangeSet } from "@codemirror/state"

/**
 * Applies editor changes to the text at `path` inside an Automerge change callback, as splices.
 * `changes` are in sequence, each counted in the editor text the previous one produced; within
 * one change set the pieces come left to right and `fromB` already counts the pieces before, so
 * each splice lands where the editor put it. Indexes are UTF-16 code units on both sides.
 */
export function spliceChanges(doc: unknown, path: readonly Prop[], changes: readonly ChangeSet[]): void {
  if (readText(doc, path) === null) setText(doc, path)
  for (const change of changes) {
    change.iterChanges((fromA, toA, fromB, _toB, inserted) => {
      // A.splice takes the path array over (it may modify it): give it a copy each time.
      A.splice(doc as A.Doc<unknown>, [...path], fromB, toA - fromA, inserted.toString())
    })
  }
}

/** The string at `path` in a document (or a change callback's draft), or null if there is none. */
export function readText(doc: unknown, path: readonly Prop[]): string | null {
  let value: unknown = doc
  for (const part of path) {
    if (value === null || typeof value !== "object") return null
    value = (value as Record<Prop, unknown>)[part]
  }
  return typeof value === "string" ? value : null
}

/** A document without the text yet (should not happen for minutes): create it empty, then edit it. */
function setText(doc: unknown, path: readonly Prop[]): void {
  const parentPath = path.slice(0, -1)
  const key = path[path.length - 1]
  let parent: unknown = doc
  for (const part of parentPath) parent = (parent as Record<Prop, unknown>)[part]
  if (key === undefined || parent === null || typeof parent !== "object") {
    throw new Error(`The document has no place for text at ${path.join(".")}`)
  }
  ;(parent as Record<Prop, unknown>)[key] = ""
}
