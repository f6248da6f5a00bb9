import { PALETTE_SIZE } from "./presence.js"

const NAME_KEY = "minutes.name"
const COLOR_KEY = "minutes.color"

/** The name this browser's person chose once; null until they chose one. */
export function storedName(): string | null {
  const name = readStorage(NAME_KEY)?.trim()
  return name ? name : null
}

export function rememberName(name: string): void {
  writeStorage(NAME_KEY, name.trim())
}

/** A colour picked once per browser so a person keeps it across meetings and reloads. */
export function storedColor(): number {
  const stored = Number.parseInt(readStorage(COLOR_KEY) ?? "", 10)
  if (Number.isInteger(stored) && stored >= 0 && stored < PALETTE_SIZE) return stored
  const color = Math.floor(Math.random() * PALETTE_SIZE)
  writeStorage(COLOR_KEY, String(color))
  return color
}

/** A name to show until the person chooses one. */
export function guestName(): string {
  return `Guest ${Math.floor(100 + Math.random() * 900)}`
}

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
