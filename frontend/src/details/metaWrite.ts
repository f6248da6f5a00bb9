import { next as A } from "@automerge/automerge/slim"
import { readMetaString } from "../text/metaString.js"
import type { MinutesDoc } from "../types.js"
import type { MeetingDetails, MetaChanges } from "./meetingDetails.js"

/** The details and permalink as the document says now (strings written by JS or by the server). */
export function detailsOf(doc: MinutesDoc): MeetingDetails & { permalink: string } {
  return {
    subject: readMetaString(doc.meta?.subject),
    date: readMetaString(doc.meta?.updated),
    description: readMetaString(doc.meta?.description),
    permalink: readMetaString(doc.meta?.permalink),
  }
}

/**
 * Writes the changes into `meta` inside a `handle.change` callback. A text field is updated by
 * a diff (`updateText`), so a concurrent edit of the same field by someone else merges instead of
 * being overwritten; a scalar string (written by another Java client) or a missing key becomes text.
 */
export function writeMeta(doc: MinutesDoc, changes: MetaChanges): void {
  if (doc.meta === undefined) doc.meta = {}
  const meta = doc.meta as Record<string, unknown>
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue
    if (typeof meta[key] === "string") A.updateText(doc, ["meta", key], value)
    else meta[key] = value
  }
}
