import { type DocumentId, Repo } from "@automerge/automerge-repo/slim"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { syncUrl } from "./links.js"
import { MinutesSocketAdapter } from "./sync/socketAdapter.js"

export interface MeetingRepo {
  readonly repo: Repo
  readonly socket: MinutesSocketAdapter
  /**
   * Forgets what this browser holds of a document and its edits the server never stored (the
   * repo stops first, so nothing is written back afterwards). The next load gets the server's copy.
   */
  forgetLocalCopy(documentId: DocumentId): Promise<void>
}

/**
 * One Repo per meeting page: IndexedDB keeps every edit across reloads and offline spells, the
 * socket talks to the page's own origin with the meeting token.
 */
export function createMeetingRepo(
  page: Pick<Location, "protocol" | "host">,
  meetingId: string,
  token: string,
): MeetingRepo {
  const socket = new MinutesSocketAdapter(syncUrl(page, meetingId, token))
  const storage = new IndexedDBStorageAdapter("minutes", "documents")
  const repo = new Repo({ network: [socket], storage })
  const forgetLocalCopy = async (documentId: DocumentId): Promise<void> => {
    await repo.shutdown()
    await storage.removeRange([documentId])
  }
  return { repo, socket, forgetLocalCopy }
}
