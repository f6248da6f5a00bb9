import { type DocHandle, type PeerId, Presence } from "@automerge/automerge-repo"
import type { MinutesDoc, Role } from "./types.js"

/** What each page tells the others about its person (the "user" presence channel). */
export interface PresenceUser {
  readonly name: string
  /** Index into the fixed palette (`.peer-color-N`). */
  readonly color: number
  readonly role: Role
  /** An Automerge cursor into `body` (stable under concurrent edits), or null. */
  readonly cursor: string | null
  /** 1-based line of the cursor when it was sent; a fallback when the cursor cannot be resolved. */
  readonly line: number
}

export interface PersonHere extends PresenceUser {
  readonly key: string
  readonly self: boolean
}

type PresenceState = { user: PresenceUser }

export const PALETTE_SIZE = 8
const HEARTBEAT_MS = 5000
const PEER_TTL_MS = 15000
const CURSOR_THROTTLE_MS = 80

/**
 * Who is here, over the repo's ephemeral messages (handle.broadcast / 'ephemeral-message', through
 * the repo's Presence helper). Nothing of it is stored in the document.
 */
export class MeetingPresence {
  readonly #presence: Presence<PresenceState, MinutesDoc>
  readonly #listeners = new Set<() => void>()
  readonly #selfKey: string
  #local: PresenceUser
  #pendingCursor: { cursor: string | null; line: number } | null = null
  #cursorTimer: number | undefined

  constructor(handle: DocHandle<MinutesDoc>, selfKey: PeerId, initial: PresenceUser) {
    this.#presence = new Presence<PresenceState, MinutesDoc>({ handle })
    this.#selfKey = selfKey
    this.#local = initial
    const changed = (): void =>
      this.#listeners.forEach((listener) => {
        listener()
      })
    for (const event of ["update", "snapshot", "goodbye", "pruning"] as const) this.#presence.on(event, changed)
  }

  start(): void {
    this.#presence.start({ initialState: { user: this.#local }, heartbeatMs: HEARTBEAT_MS, peerTtlMs: PEER_TTL_MS })
  }

  /** Sends the whole state again, e.g. after a reconnection, when others may have forgotten us. */
  reannounce(): void {
    if (this.#presence.running) this.#presence.broadcast("user", this.#local)
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  setName(name: string): void {
    this.#local = { ...this.#local, name }
    this.reannounce()
    this.#listeners.forEach((listener) => {
      listener()
    })
  }

  /** Cursor moves are frequent: at most one broadcast per CURSOR_THROTTLE_MS, the last one always sent. */
  setCursor(cursor: string | null, line: number): void {
    this.#pendingCursor = { cursor, line }
    if (this.#cursorTimer !== undefined) return
    this.#cursorTimer = window.setTimeout(() => {
      this.#cursorTimer = undefined
      const pending = this.#pendingCursor
      this.#pendingCursor = null
      if (pending === null) return
      const changedLine = pending.line !== this.#local.line
      this.#local = { ...this.#local, cursor: pending.cursor, line: pending.line }
      this.reannounce()
      if (changedLine)
        this.#listeners.forEach((listener) => {
          listener()
        })
    }, CURSOR_THROTTLE_MS)
  }

  /** Everyone on this meeting now, this page first. */
  people(): PersonHere[] {
    const others: PersonHere[] = []
    const states = this.#presence.getPeerStates().value
    for (const [key, state] of Object.entries(states)) {
      const user = state.value.user as PresenceUser | undefined
      if (!user || key === this.#selfKey) continue
      others.push({ ...sanitize(user), key, self: false })
    }
    others.sort((a, b) => a.name.localeCompare(b.name))
    return [{ ...this.#local, key: this.#selfKey, self: true }, ...others]
  }

  stop(): void {
    if (this.#cursorTimer !== undefined) window.clearTimeout(this.#cursorTimer)
    this.#presence.stop()
  }
}

/** Peers are other people's browsers: keep only well-formed values. */
function sanitize(user: PresenceUser): PresenceUser {
  const name = typeof user.name === "string" && user.name.trim() ? user.name.trim().slice(0, 60) : "Someone"
  const color = Number.isInteger(user.color) ? Math.abs(user.color) % PALETTE_SIZE : 0
  const role: Role = user.role === "chair" || user.role === "viewer" ? user.role : "editor"
  const cursor = typeof user.cursor === "string" ? user.cursor : null
  const line = Number.isInteger(user.line) && user.line > 0 ? user.line : 1
  return { name, color, role, cursor, line }
}
