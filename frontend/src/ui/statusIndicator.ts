import type { IndicatorKind } from "../sync/indicatorState.js"
import type { SyncSnapshot } from "../sync/syncStatus.js"
import { h } from "./dom.js"

/** How long a page that was never connected may be "offline" before a screen reader hears it. */
export const OPENING_GRACE_MS = 3_000

/**
 * How long "closed" floats in the corner after a close seen here: long enough for whoever is
 * typing far down the page to notice, and no longer, since it covers the end of a line.
 */
export const CLOSED_IN_SIGHT_MS = 15_000

/**
 * The connection indicator. Its text is exactly `saved`, `saving` or `offline (N edits pending)`
 * (or `closed` / `error`); `data-state` carries the kind for styling and tests, `data-local`
 * tells whether every edit is also stored in this browser.
 */
export class StatusIndicator {
  readonly element: HTMLElement
  /**
   * A separate live region: screen readers hear only the changes that matter (losing or regaining
   * the connection, close, errors), not the saving/saved flicker of every keystroke.
   */
  readonly announcer: HTMLElement
  readonly #text: HTMLElement
  #lastKind: IndicatorKind | null = null
  /** The person was told the connection is lost, and not yet that it is back. */
  #toldOffline = false
  /** The page has been connected once: before that, "offline" may just be the page still opening. */
  #everConnected = false
  /** An "offline" before the first connection, said only if it lasts (see {@link OPENING_GRACE_MS}). */
  #openingOffline: ReturnType<typeof setTimeout> | null = null

  constructor() {
    // Until the document is open nothing is confirmed by the server: "saving" is the honest word.
    this.#text = h("span", { class: "status-text" }, "saving")
    this.element = h(
      "div",
      {
        class: "status",
        "data-testid": "status-indicator",
        "data-state": "saving",
        title: "Connecting to the server…",
      },
      h("span", { class: "status-dot", "aria-hidden": "true" }),
      this.#text,
    )
    this.announcer = h("span", { class: "visually-hidden", role: "status", "aria-live": "polite" })
  }

  show(snapshot: SyncSnapshot): void {
    const { view } = snapshot
    this.element.dataset.state = view.kind
    this.element.dataset.pending = snapshot.pending === null ? "" : String(snapshot.pending)
    this.element.dataset.local = snapshot.storedLocally ? "stored" : "storing"
    this.element.dataset.connected = String(snapshot.connected)
    this.element.title = view.description
    this.element.setAttribute("aria-label", `${view.text}. ${view.description}`)
    // The text node is the indicator's contract: set it last and only to the view's text.
    this.#text.textContent = view.text
    if (snapshot.connected) this.#everConnected = true
    this.#announce(view.kind, view.description)
  }

  /**
   * The meeting closed while this page had it open (not a closed meeting opened to read): whoever
   * is typing far down the page must see it, so the indicator floats then (style.css), for
   * {@link CLOSED_IN_SIGHT_MS}. After that the read-only text and the final minutes say it, and a
   * pill left floating would hide the end of a line of them (on a phone, for good).
   */
  closedWhileOpen(): void {
    this.element.dataset.closedHere = ""
    setTimeout(() => delete this.element.dataset.closedHere, CLOSED_IN_SIGHT_MS)
  }

  #announce(kind: IndicatorKind, description: string): void {
    const previous = this.#lastKind
    this.#lastKind = kind
    if (previous === kind) return
    if (this.#openingOffline !== null) {
      clearTimeout(this.#openingOffline)
      this.#openingOffline = null
    }
    if (kind === "offline" && !this.#everConnected) {
      // A page still opening on a busy server has no socket yet: "offline" and then "Connection
      // back" a moment later would be news about nothing. Said only if it lasts.
      this.#openingOffline = setTimeout(() => {
        this.#openingOffline = null
        this.#say(kind, description)
      }, OPENING_GRACE_MS)
      return
    }
    this.#say(kind, description)
  }

  #say(kind: IndicatorKind, description: string): void {
    if (kind === "offline" || kind === "closed" || kind === "error") {
      this.announcer.textContent = description
      this.#toldOffline = kind === "offline" || (this.#toldOffline && kind === "error")
    } else if (kind === "saved" && this.#toldOffline) {
      // Back online the page says "saving" for a moment first: the news is that all is saved again.
      this.#toldOffline = false
      this.announcer.textContent = "Connection back. Every edit is saved."
    }
  }
}
