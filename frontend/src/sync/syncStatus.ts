import { type DocHandle, decodeHeads, type Repo, type StorageId, type UrlHeads } from "@automerge/automerge-repo/slim"
import { readStorage, writeStorage } from "../identity.js"
import type { MinutesDoc } from "../types.js"
import { type IndicatorView, indicatorView } from "./indicatorState.js"
import { countPendingChanges } from "./pendingChanges.js"
import type { MinutesSocketAdapter } from "./socketAdapter.js"

export interface SyncSnapshot {
  readonly view: IndicatorView
  readonly connected: boolean
  /** Changes the server has not acknowledged, null while unknown. */
  readonly pending: number | null
  /** Every change of this page is in IndexedDB (a reload loses nothing). */
  readonly storedLocally: boolean
}

interface RememberedServerHeads {
  storageId: string
  heads: string[]
}

/**
 * Tracks whether this page's changes are on the server. The truth comes from the server itself:
 * its `peer` message names its storageId, and the heads it advertises for the document under that
 * storageId (handle.getSyncInfo / 'remote-heads') contain a change only once it is stored
 * (docs/contract.md §4). The last heads seen are remembered per document, so that after a reload while
 * offline the page still knows how many edits are waiting.
 */
export class SyncStatus {
  readonly #repo: Repo
  readonly #handle: DocHandle<MinutesDoc>
  readonly #listeners = new Set<(snapshot: SyncSnapshot) => void>()
  readonly #storageKey: string
  #connected: boolean
  #serverStorageId: StorageId | null
  #closed = false
  #error: string | null = null
  #storedHeads: UrlHeads | null = null
  #flushing = false
  #flushAgain = false
  #scheduled = false
  #last: SyncSnapshot | null = null
  #lastRemembered: RememberedServerHeads | null = null

  constructor(repo: Repo, handle: DocHandle<MinutesDoc>, socket: MinutesSocketAdapter) {
    this.#repo = repo
    this.#handle = handle
    this.#storageKey = `minutes.serverHeads.${handle.documentId}`
    const peer = socket.remotePeerId
    this.#serverStorageId = peer ? (repo.getStorageIdOfPeer(peer) ?? null) : null
    this.#connected = peer !== undefined && repo.peers.includes(peer)

    socket.on("peer-candidate", ({ peerMetadata }) => {
      this.#connected = true
      if (peerMetadata.storageId) this.#serverStorageId = peerMetadata.storageId
      this.#schedule()
    })
    socket.on("peer-disconnected", () => {
      this.#connected = false
      this.#schedule()
    })
    handle.on("remote-heads", ({ storageId }) => {
      if (storageId === this.#serverStorageId) this.#schedule()
    })
    handle.on("heads-changed", () => {
      this.#schedule()
      void this.#flushLocally()
    })
    window.addEventListener("pagehide", () => void this.#repo.flush([handle.documentId]))
    this.#storedHeads = handle.heads()
  }

  onChange(listener: (snapshot: SyncSnapshot) => void): void {
    this.#listeners.add(listener)
    listener(this.snapshot())
  }

  setClosed(closed: boolean): void {
    this.#closed = closed
    this.#schedule()
  }

  setError(error: string | null): void {
    this.#error = error
    this.#schedule()
  }

  snapshot(): SyncSnapshot {
    const pending = countPendingChanges(this.#handle.doc(), this.#serverHeadsHex())
    const connected = this.#connected
    const current = this.#handle.heads()
    const storedLocally = this.#storedHeads !== null && sameHeads(this.#storedHeads, current)
    return {
      view: indicatorView({ closed: this.#closed, error: this.#error, connected, pending }),
      connected,
      pending,
      storedLocally,
    }
  }

  /** The heads the server last advertised, in hex; null when we never heard from it. */
  #serverHeadsHex(): string[] | null {
    const storageId = this.#serverStorageId
    const live = storageId ? this.#handle.getSyncInfo(storageId)?.lastHeads : undefined
    if (storageId && live) {
      this.#remember(storageId, live)
      return decodeHeads(live)
    }
    const remembered = this.#remembered()
    if (remembered && (storageId === null || remembered.storageId === storageId)) {
      return decodeHeads(remembered.heads as UrlHeads)
    }
    return null
  }

  /** Keeps the server's heads for a later visit (they may have arrived before this tracker existed). */
  #remember(storageId: string, heads: UrlHeads): void {
    const last = this.#lastRemembered
    if (last && last.storageId === storageId && sameHeads(last.heads, heads)) return
    this.#lastRemembered = { storageId, heads: [...heads] }
    writeStorage(this.#storageKey, JSON.stringify(this.#lastRemembered))
  }

  #remembered(): RememberedServerHeads | null {
    const raw = readStorage(this.#storageKey)
    if (!raw) return null
    try {
      const parsed = JSON.parse(raw) as Partial<RememberedServerHeads>
      if (typeof parsed.storageId === "string" && Array.isArray(parsed.heads)) {
        return { storageId: parsed.storageId, heads: parsed.heads.filter((h) => typeof h === "string") }
      }
      return null
    } catch (error) {
      console.warn("Ignoring unreadable remembered server heads", error)
      return null
    }
  }

  /** Coalesces the bursts of events that one keystroke or one sync message produces. */
  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      const snapshot = this.snapshot()
      if (this.#last !== null && sameSnapshot(this.#last, snapshot)) return
      this.#last = snapshot
      this.#listeners.forEach((listener) => {
        listener(snapshot)
      })
    })
  }

  /**
   * The repo saves to IndexedDB on its own, but does not say when a save is done; an explicit
   * flush does, and lets the page (and tests) know a reload is safe.
   */
  async #flushLocally(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true
      return
    }
    this.#flushing = true
    try {
      do {
        this.#flushAgain = false
        const heads = this.#handle.heads()
        await this.#repo.flush([this.#handle.documentId])
        this.#storedHeads = heads
        this.#schedule()
      } while (this.#flushAgain)
    } catch (error) {
      console.error("Saving the meeting in this browser failed", error)
      this.setError("This browser could not store the minutes locally (is storage full or disabled?).")
    } finally {
      this.#flushing = false
    }
  }
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((head) => b.includes(head))
}

function sameSnapshot(a: SyncSnapshot, b: SyncSnapshot): boolean {
  return (
    a.view.kind === b.view.kind &&
    a.view.text === b.view.text &&
    a.view.description === b.view.description &&
    a.connected === b.connected &&
    a.pending === b.pending &&
    a.storedLocally === b.storedLocally
  )
}
