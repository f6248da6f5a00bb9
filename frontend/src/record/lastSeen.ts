import { readStorage, writeStorage } from "../identity.js"

/**
 * The heads of a meeting this browser last showed, kept per meeting in localStorage, so someone
 * coming back can see what changed since. `previous` is what the last visit left.
 */
export class LastSeen {
  readonly previous: readonly string[] | null
  readonly #key: string
  #written = ""

  constructor(meetingId: string) {
    this.#key = `minutes.seen.${meetingId}`
    this.previous = parseHeads(readStorage(this.#key))
  }

  remember(heads: readonly string[]): void {
    const value = JSON.stringify([...heads].sort())
    if (value === this.#written) return
    this.#written = value
    writeStorage(this.#key, value)
  }
}

function parseHeads(stored: string | null): string[] | null {
  if (!stored) return null
  try {
    const heads: unknown = JSON.parse(stored)
    if (
      Array.isArray(heads) &&
      heads.length > 0 &&
      heads.every((head) => typeof head === "string" && /^[0-9a-f]{64}$/.test(head))
    ) {
      return heads
    }
  } catch {
    // Not ours or damaged: as if never seen.
  }
  return null
}
