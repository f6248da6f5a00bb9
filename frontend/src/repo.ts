import { Repo } from "@automerge/automerge-repo"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { MinutesSocketAdapter } from "./sync/socketAdapter.js"

/** The sync endpoint of the server that served this page (contract §4); never a fixed host. */
export function syncUrl(page: Pick<Location, "protocol" | "host">, token: string): string {
  const scheme = page.protocol === "https:" ? "wss:" : "ws:"
  return `${scheme}//${page.host}/sync?token=${encodeURIComponent(token)}`
}

export interface MeetingRepo {
  readonly repo: Repo
  readonly socket: MinutesSocketAdapter
}

/**
 * One Repo per meeting page: IndexedDB keeps every edit across reloads and offline spells, the
 * socket talks to the page's own origin with the meeting token.
 */
export function createMeetingRepo(page: Pick<Location, "protocol" | "host">, token: string): MeetingRepo {
  const socket = new MinutesSocketAdapter(syncUrl(page, token))
  const repo = new Repo({
    network: [socket],
    storage: new IndexedDBStorageAdapter("minutes", "documents"),
  })
  return { repo, socket }
}
