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
