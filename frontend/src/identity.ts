const NAME_KEY = "minutes.name"
const PERSON_KEY = "minutes.person"

/** The name this browser's person chose once; null until they chose one (then the page asks). */
export function storedName(): string | null {
  const name = readStorage(NAME_KEY)?.trim()
  return name ? name : null
}

export function rememberName(name: string): void {
  writeStorage(NAME_KEY, name.trim())
}

/**
 * A random id for this browser's person, made once and kept: it keeps their colour stable across
 * reloads and tells two tabs of one person from two people who chose the same name.
 */
export function personId(): string {
  const stored = readStorage(PERSON_KEY)
  if (stored && /^[0-9a-f]{32}$/.test(stored)) return stored
  // getRandomValues, not randomUUID: the latter exists only on https pages and localhost.
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const id = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
  writeStorage(PERSON_KEY, id)
  return id
}

const JOINED_KEY = "minutes.joined."
/** A page back within this long (a reload, a quick return) keeps its place in the colour order. */
export const RETURN_WITHIN_MS = 60_000

type TabStorage = Pick<Storage, "getItem" | "setItem">

/**
 * When this tab joined the meeting (ms): kept across a reload or a return within RETURN_WITHIN_MS
 * of leaving, so that the person keeps their place among the people here and with it their colour
 * (presence.ts assignColors). Per tab (sessionStorage): a person's other tab joins on its own.
 */
export function joinTime(meeting: string, now: number, storage: TabStorage | null = tabStorage()): number {
  try {
    const stored = JSON.parse(storage?.getItem(JOINED_KEY + meeting) ?? "null") as {
      joinedAt?: unknown
      leftAt?: unknown
    } | null
    const { joinedAt, leftAt } = stored ?? {}
    if (typeof joinedAt === "number" && typeof leftAt === "number" && now - leftAt < RETURN_WITHIN_MS) {
      storage?.setItem(JOINED_KEY + meeting, JSON.stringify({ joinedAt }))
      return joinedAt
    }
    storage?.setItem(JOINED_KEY + meeting, JSON.stringify({ joinedAt: now }))
  } catch (error) {
    // Storage disabled or full, or a value this page did not write: the tab joins now.
    console.warn("This tab's join time cannot be kept", error)
  }
  return now
}

/** This tab leaves the meeting (the page is hidden for good or reloads) at `now`. */
export function leftMeeting(meeting: string, now: number, storage: TabStorage | null = tabStorage()): void {
  try {
    const stored = JSON.parse(storage?.getItem(JOINED_KEY + meeting) ?? "null") as { joinedAt?: unknown } | null
    if (typeof stored?.joinedAt === "number")
      storage?.setItem(JOINED_KEY + meeting, JSON.stringify({ joinedAt: stored.joinedAt, leftAt: now }))
  } catch (error) {
    console.warn("This tab's join time cannot be kept", error)
  }
}

function tabStorage(): TabStorage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

/** What others see until the person says their name. */
export const UNNAMED = "Someone new"

// localStorage can throw (disabled storage, private modes, quota); the page then simply forgets.
export function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key)
  } catch (error) {
    console.warn("localStorage is not available", error)
    return null
  }
}

export function writeStorage(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value)
  } catch (error) {
    console.warn("localStorage is not available", error)
  }
}
