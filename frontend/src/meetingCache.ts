import { readStorage, writeStorage } from "./identity.js"
import type { MeetingInfo } from "./types.js"

/**
 * What the page needs to open a meeting it has opened before, kept so that a reload while the
 * server is unreachable still shows the minutes (and the edits this browser holds). Keyed by
 * meeting and a digest of the token: a viewer link must not reopen with a chair's role.
 */
type CachedMeeting = Pick<MeetingInfo, "id" | "documentUrl" | "role" | "meta" | "status">

export function cacheMeeting(info: MeetingInfo, token: string): void {
  const cached: CachedMeeting = {
    id: info.id,
    documentUrl: info.documentUrl,
    role: info.role,
    meta: info.meta,
    status: info.status,
  }
  writeStorage(keyOf(info.id, token), JSON.stringify(cached))
}

export function cachedMeeting(id: string, token: string): MeetingInfo | null {
  const raw = readStorage(keyOf(id, token))
  if (!raw) return null
  try {
    const cached = JSON.parse(raw) as CachedMeeting
    if (typeof cached.documentUrl !== "string" || typeof cached.role !== "string") return null
    return { ...cached, closed: null, publish: [] }
  } catch (error) {
    console.warn("Ignoring an unreadable cached meeting", error)
    return null
  }
}

function keyOf(id: string, token: string): string {
  return `minutes.meeting.${id}.${fnv1a(token)}`
}

/** A short non-cryptographic digest: enough to tell tokens apart without storing them twice. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(36)
}
