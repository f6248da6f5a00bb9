import type { SyncSnapshot } from "./syncStatus.js"

/** How long the server may take to confirm edits, while connected, before the page says so. */
export const SAVE_STALL_NOTICE_MS = 15_000

/**
 * Connected, yet the server confirms nothing: Redis is away, or the server is stuck. The
 * indicator says "saving" all along, which is true but says nothing of how long; after
 * {@link SAVE_STALL_NOTICE_MS} without the server confirming any edit the page says it in words.
 * Any confirmation (fewer edits waiting) starts the wait over, so a slow connection under steady
 * typing is not mistaken for a stall.
 */
export class SaveStallWatch {
  readonly #stalled: () => void
  readonly #recovered: () => void
  #timer: ReturnType<typeof setTimeout> | null = null
  #waiting: number | null = null
  #told = false

  constructor(stalled: () => void, recovered: () => void) {
    this.#stalled = stalled
    this.#recovered = recovered
  }

  observe(snapshot: SyncSnapshot): void {
    const pending = snapshot.pending
    if (!snapshot.connected || snapshot.view.kind !== "saving" || pending === null || pending === 0) {
      this.#stop()
      if (snapshot.view.kind === "saved" && this.#told) {
        this.#told = false
        this.#recovered()
      }
      return
    }
    const confirmedSome = this.#waiting !== null && pending < this.#waiting
    this.#waiting = pending
    if (confirmedSome) this.#cancelTimer()
    if (this.#timer === null && !this.#told) {
      this.#timer = setTimeout(() => {
        this.#timer = null
        this.#told = true
        this.#stalled()
      }, SAVE_STALL_NOTICE_MS)
    }
  }

  #stop(): void {
    this.#cancelTimer()
    this.#waiting = null
  }

  #cancelTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}
