import { Repo } from "@automerge/automerge-repo"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { syncUrl } from "./links.js"
import { MinutesSocketAdapter } from "./sync/socketAdapter.js"

export interface MeetingRepo {
  readonly repo: Repo
  readonly socket: MinutesSocketAdapter
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
  const repo = new Repo({
    network: [socket],
    storage: new IndexedDBStorageAdapter("minutes", "documents"),
  })
  return { repo, socket }
}
