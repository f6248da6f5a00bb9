import { type DocHandle, type PeerId, Presence } from "@automerge/automerge-repo/slim"
import type { MinutesDoc, Role } from "./types.js"

/** What each page tells the others about its person (the "user" presence channel). */
export interface PresenceUser {
  /** The person's stable id (one per browser profile, see identity.ts). */
  readonly id: string
  readonly name: string
  /** When this page joined the meeting (ms since the epoch): earlier joiners claim colours first. */
  readonly joinedAt: number
  readonly role: Role
  /** Where the caret is (caretCursors.ts caretCursor), or null. */
  readonly cursor: string | null
  /**
   * 1-based line of the cursor when it was sent; a fallback when the cursor cannot be resolved.
   * 0 until the person puts their caret in the text: others then show no caret for them.
   */
  readonly line: number
}

export interface PersonHere extends PresenceUser {
  /** The page's peer id: one person may have several pages open. */
  readonly key: string
  readonly self: boolean
  /** Index into the palette of `.peer-color-N` classes, see {@link assignColors}. */
  readonly color: number
}

type PresenceState = { user: PresenceUser }

/** Twelve colours, each distinct and readable in both themes (`.peer-color-0` … `-11` in style.css). */
export const PALETTE_SIZE = 12
const HEARTBEAT_MS = 1500
/**
 * A page not heard from for this long is gone (closed, offline, asleep). Others check at every
 * heartbeat, so it leaves their lists within PEER_TTL_MS + HEARTBEAT_MS = 7.5 s.
 */
const PEER_TTL_MS = 6000
const CURSOR_THROTTLE_MS = 80
/** Someone who left keeps their colour this long (RecentClaims): a reload changes nobody's colour. */
const COLOUR_KEPT_MS = 15_000

/** A person's claim on a colour: who, and since when they are here. */
export interface ColorClaim {
  readonly id: string
  readonly joinedAt: number
}

/**
 * Palette indexes that look alike side by side (blue and indigo, teal and cyan...): in the
 * authorship colours, a light tint under the text, they would pass for one person. Six families of
 * the twelve colours: orange, red and magenta; blue, purple and indigo; green and olive; teal and
 * cyan; brown; slate (green beside olive and red beside magenta were taken for one person).
 */
export const COLOR_FAMILIES: readonly (readonly number[])[] = [[0, 4, 7], [1, 3, 8], [2, 9], [5, 11], [6], [10]]

/**
 * The colour of each person present, computed the same way on every page from what presence
 * tells them all. In order of joining (earliest first, ties by id) each person takes their own
 * preferred colour (a hash of their id, so usually the same one in every meeting) or, if someone
 * earlier has it or one like it (COLOR_FAMILIES), the next one free of both; once every family is
 * in use, the next free one. Someone joining never changes the colours of those already here; up
 * to six people look clearly different, up to PALETTE_SIZE all differ. A person with two pages
 * counts once, from the earlier page.
 */
export function assignColors(claims: readonly ColorClaim[]): Map<string, number> {
  const since = new Map<string, number>()
  for (const { id, joinedAt } of claims) since.set(id, Math.min(joinedAt, since.get(id) ?? Number.POSITIVE_INFINITY))
  const order = [...since].sort(([idA, a], [idB, b]) => a - b || (idA < idB ? -1 : idA > idB ? 1 : 0))
  const taken = new Set<number>()
  const colors = new Map<string, number>()
  for (const [id] of order) {
    const color = freeColor(preferredColor(id), taken)
    taken.add(color)
    colors.set(id, color)
  }
  return colors
}

/**
 * From `preferred` on round the palette: the first colour not `taken` and unlike every taken one
 * (COLOR_FAMILIES), else the first not taken, else `preferred`.
 */
export function freeColor(preferred: number, taken: ReadonlySet<number>): number {
  const familyOf = (color: number) => COLOR_FAMILIES.findIndex((family) => family.includes(color))
  const familiesTaken = new Set([...taken].map(familyOf))
  const candidates = [...Array(PALETTE_SIZE).keys()].map((step) => (preferred + step) % PALETTE_SIZE)
  return (
    candidates.find((c) => !taken.has(c) && !familiesTaken.has(familyOf(c))) ??
    candidates.find((c) => !taken.has(c)) ??
    preferred
  )
}

/**
 * The claims to colour people by: those present, and those who left less than `keepMs` ago. A
 * reload says goodbye and comes back a second later; without this, whoever came after that person
 * and wanted the same colour would take it meanwhile, and two people's colours would swap on every
 * page. After `keepMs` the colour is free for the others. Each page keeps its own; they agree as
 * long as they heard the same goodbyes.
 */
export class RecentClaims {
  readonly #keepMs: number
  #present = new Map<string, number>()
  readonly #left = new Map<string, { joinedAt: number; until: number }>()

  constructor(keepMs: number) {
    this.#keepMs = keepMs
  }

  /** Notes who left since the last call: their claims are kept for `keepMs` from `now`. */
  observe(present: readonly ColorClaim[], now: number): void {
    const here = earliestJoins(present)
    for (const [id, joinedAt] of this.#present) {
      if (!here.has(id)) this.#left.set(id, { joinedAt, until: now + this.#keepMs })
    }
    this.#present = here
    for (const [id, left] of this.#left) {
      if (here.has(id) || left.until <= now) this.#left.delete(id)
    }
  }

  /** The claims of the people present and of those who left less than `keepMs` before `now`. */
  with(present: readonly ColorClaim[], now: number): ColorClaim[] {
    const here = earliestJoins(present)
    const kept = [...this.#left].filter(([id, left]) => !here.has(id) && left.until > now)
    return [...present, ...kept.map(([id, left]) => ({ id, joinedAt: left.joinedAt }))]
  }
}

function earliestJoins(present: readonly ColorClaim[]): Map<string, number> {
  const joins = new Map<string, number>()
  for (const { id, joinedAt } of present) joins.set(id, Math.min(joinedAt, joins.get(id) ?? Number.POSITIVE_INFINITY))
  return joins
}

/** The colour of person `id` among the people present (who must include them). */
export function colorIndex(id: string, present: readonly ColorClaim[]): number {
  return assignColors(present).get(id) ?? preferredColor(id)
}

/** FNV-1a over the id: the same person prefers the same colour everywhere. */
function preferredColor(id: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % PALETTE_SIZE
}

/**
 * Who is here, over the repo's ephemeral messages (handle.broadcast / 'ephemeral-message', through
 * the repo's Presence helper): this page's whole state every HEARTBEAT_MS, a goodbye when the page
 * goes away. Nothing of it is stored in the document.
 *
 * The whole state, not the helper's bare heartbeats: a page that others dropped while it slept
 * (or lost messages) still knows them, so it never re-announces itself, and they ignore heartbeats
 * from peers they do not know; with its state in every beat it is back in their lists at once.
 */
export class MeetingPresence {
  readonly #presence: Presence<PresenceState, MinutesDoc>
  readonly #listeners = new Set<() => void>()
  readonly #selfKey: string
  #local: PresenceUser
  #pendingCursor: { cursor: string | null; line: number } | null = null
  #cursorTimer: number | undefined
  #beat: number | undefined
  /** What listeners last heard, so that a beat repeating the same state re-renders nothing. */
  #shown = ""
  readonly #claims = new RecentClaims(COLOUR_KEPT_MS)

  constructor(handle: DocHandle<MinutesDoc>, selfKey: PeerId, initial: PresenceUser) {
    this.#presence = new Presence<PresenceState, MinutesDoc>({ handle })
    this.#selfKey = selfKey
    this.#local = initial
    for (const event of ["update", "snapshot", "goodbye", "pruning"] as const) {
      this.#presence.on(event, () => this.#changed())
    }
  }

  start(): void {
    this.#presence.start({ initialState: { user: this.#local }, heartbeatMs: HEARTBEAT_MS, peerTtlMs: PEER_TTL_MS })
    window.clearInterval(this.#beat)
    this.#beat = window.setInterval(() => this.reannounce(), HEARTBEAT_MS)
    this.#changed()
  }

  /**
   * Says goodbye when the page is hidden for good or put in the back-forward cache (others drop
   * it at once, not after the TTL), and hello again when it is shown from that cache; a tab
   * coming back to the foreground re-announces itself (background timers may have been slowed).
   */
  followPage(page: Window): void {
    page.addEventListener("pagehide", () => this.stop())
    page.addEventListener("pageshow", (event) => {
      if (event.persisted) this.start()
    })
    page.document.addEventListener("visibilitychange", () => {
      if (page.document.visibilityState === "visible") this.reannounce()
    })
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
    this.#changed()
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
      if (changedLine) this.#changed()
    }, CURSOR_THROTTLE_MS)
  }

  /** Everyone on this meeting now, this page first, each with their colour. */
  people(): PersonHere[] {
    return this.#people(false)
  }

  /** `observe`: the presence changed, so who is missing now has left (their colour is kept a while). */
  #people(observe: boolean): PersonHere[] {
    const others: (PresenceUser & { key: string })[] = []
    const states = this.#presence.getPeerStates().value
    for (const [key, state] of Object.entries(states)) {
      const user = state.value.user as Partial<PresenceUser> | undefined
      if (!user || key === this.#selfKey) continue
      others.push({ ...sanitize(user, key), key })
    }
    others.sort((a, b) => a.name.localeCompare(b.name) || a.joinedAt - b.joinedAt)
    const everyone = [{ ...this.#local, key: this.#selfKey }, ...others]
    if (observe) this.#claims.observe(everyone, Date.now())
    const colors = assignColors(this.#claims.with(everyone, Date.now()))
    return everyone.map((person) => ({
      ...person,
      self: person.key === this.#selfKey,
      color: colors.get(person.id) ?? 0,
    }))
  }

  stop(): void {
    window.clearTimeout(this.#cursorTimer)
    this.#cursorTimer = undefined
    window.clearInterval(this.#beat)
    this.#beat = undefined
    this.#presence.stop()
  }

  #changed(): void {
    // This page's own cursor is drawn by the editor itself: a move within the line changes nothing shown.
    const shown = JSON.stringify(
      this.#people(true).map((person) => (person.self ? { ...person, cursor: null } : person)),
    )
    if (shown === this.#shown) return
    this.#shown = shown
    for (const listener of this.#listeners) listener()
  }
}

/** Peers are other people's browsers: keep only well-formed values. */
function sanitize(user: Partial<PresenceUser>, key: string): PresenceUser {
  const id = typeof user.id === "string" && /^[0-9a-f]{1,64}$/.test(user.id) ? user.id : key
  const name = typeof user.name === "string" && user.name.trim() ? user.name.trim().slice(0, 60) : "Someone"
  const joinedAt = typeof user.joinedAt === "number" && Number.isFinite(user.joinedAt) ? user.joinedAt : 0
  const role: Role = user.role === "chair" || user.role === "viewer" ? user.role : "editor"
  const cursor = typeof user.cursor === "string" ? user.cursor : null
  const line = typeof user.line === "number" && Number.isInteger(user.line) && user.line >= 0 ? user.line : 0
  return { id, name, joinedAt, role, cursor, line }
}
