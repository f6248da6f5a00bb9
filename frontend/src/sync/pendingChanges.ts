import { next as A } from "@automerge/automerge/slim"

/**
 * Counts the changes of `doc` that the server's heads do not contain: the edits not yet stored
 * on the server. Returns null when the server's heads are unknown.
 *
 * Server heads we do not know ourselves (changes of other people still on their way to us) cannot
 * be searched for our changes, so only the known ones count. That can only over-count, never
 * report "saved" too early: a change of ours is an ancestor of some server head only if that head
 * is one we hold.
 */
export function countPendingChanges(doc: A.Doc<unknown>, serverHeadsHex: readonly string[] | null): number | null {
  if (serverHeadsHex === null) return null
  const known = serverHeadsHex.filter((head) => A.hasHeads(doc, [head]))
  return A.getChangesMetaSince(doc, known).length
}
