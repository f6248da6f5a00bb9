import { next as A } from "@automerge/automerge/slim"
import { type AutomergeUrl, type DocHandle, type DocumentId, Repo } from "@automerge/automerge-repo/slim"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { syncUrl } from "./links.js"
import { MinutesSocketAdapter } from "./sync/socketAdapter.js"
import type { MinutesDoc } from "./types.js"

/** How long a page waits for the server to answer its socket, then for the document to arrive. */
const SERVER_ANSWER_MS = 15_000
const DOCUMENT_ARRIVAL_MS = 60_000

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

/**
 * The meeting's document: this browser's copy, else the server's. automerge-repo calls a document
 * "unavailable" when no connected peer had it once the socket adapter was ready, and the adapter
 * calls itself ready after a second even if the server has not answered its join yet (a server
 * that just started, a slow network). A document that was unavailable only for that reason is
 * asked for again as soon as the server answers (automerge-repo asks every peer that connects),
 * and this waits for it. Rejects when offline, when the server had answered before and had no
 * such document, or when it never answers or never sends it (a server that says "unavailable"
 * after all is only noticed at that deadline: the meeting's own answer said the document exists).
 */
export async function findMeetingDocument(meetingRepo: MeetingRepo, url: AutomergeUrl): Promise<DocHandle<MinutesDoc>> {
  const { repo, socket } = meetingRepo
  // Answered before the document was asked for: the server was asked, and had none.
  const serverWasAsked = socket.serverAnswered
  const handle = await repo.find<MinutesDoc>(url, { allowableStates: ["ready", "unavailable"] })
  if (handle.isReady()) return handle
  if (!navigator.onLine || serverWasAsked) throw new Error(`Document ${url} is unavailable`)
  await within(socket.whenServerAnswered(), SERVER_ANSWER_MS, "The server did not answer")
  await within(handle.whenReady(["ready"]), DOCUMENT_ARRIVAL_MS, `Document ${url} did not arrive`)
  return handle
}

function within(promise: Promise<unknown>, ms: number, failure: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(failure)), ms)
  })
  return Promise.race([promise, deadline])
    .then(() => undefined)
    .finally(() => clearTimeout(timer))
}

/**
 * Resolves true once the document holds `heads`, false if it does not within `DOCUMENT_ARRIVAL_MS`.
 * A browser that opened the meeting before has it ready from its own older copy at once; the
 * server's newer changes come a moment later.
 */
export function untilDocumentHolds(handle: DocHandle<MinutesDoc>, heads: A.Heads): Promise<boolean> {
  if (A.hasHeads(handle.doc(), heads)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const settle = (held: boolean): void => {
      handle.off("change", check)
      window.clearTimeout(timer)
      resolve(held)
    }
    const check = (): void => {
      if (A.hasHeads(handle.doc(), heads)) settle(true)
    }
    const timer = window.setTimeout(() => settle(false), DOCUMENT_ARRIVAL_MS)
    handle.on("change", check)
  })
}
