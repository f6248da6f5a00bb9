import { next as A } from "@automerge/automerge/slim"

const BODY = ["body"]
const AFTER = "after:"
const START = "start"

/**
 * The caret at `position` in the body as a string others can resolve in their copy: anchored to
 * the character before it (the one this person typed last), as the editor binding keeps carets,
 * so a caret shown on other pages does not jump past text someone inserts at it. Null when the
 * document cannot name the position.
 */
export function caretCursor(doc: A.Doc<unknown>, position: number): string | null {
  if (position <= 0) return START
  try {
    return AFTER + A.getCursor(doc, BODY, position - 1, "before")
  } catch (error) {
    console.debug("No Automerge cursor for position", position, error)
    return null
  }
}

/** Where a caret sent by {@link caretCursor} is in this copy; null while its change has not arrived. */
export function caretPosition(doc: A.Doc<unknown>, cursor: string | null): number | null {
  if (cursor === null) return null
  if (cursor === START) return 0
  try {
    if (cursor.startsWith(AFTER)) return A.getCursorPosition(doc, BODY, cursor.slice(AFTER.length)) + 1
    // An older page's cursor names the character after the caret.
    return A.getCursorPosition(doc, BODY, cursor)
  } catch {
    return null
  }
}
