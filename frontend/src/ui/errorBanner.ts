import { h, replaceChildren } from "./dom.js"

/** One place for problems the person must know about, worded for people. */
export class ErrorBanner {
  readonly element: HTMLElement
  /** What the banner currently reports, so a problem that went away clears only its own message. */
  #topic: string | null = null

  constructor() {
    this.element = h("div", {
      class: "banner banner-error",
      "data-testid": "error-banner",
      role: "alert",
      hidden: true,
    })
  }

  show(title: string, detail?: string, action?: { label: string; run: () => void }, topic = "problem"): void {
    this.#topic = topic
    let button: HTMLButtonElement | null = null
    if (action) {
      button = h("button", { type: "button", class: "button button-small" }, action.label)
      button.addEventListener("click", action.run)
    }
    replaceChildren(
      this.element,
      h("strong", { class: "banner-title" }, title),
      detail ? h("span", { class: "banner-detail" }, " ", detail) : null,
      button ? " " : null,
      button,
    )
    this.element.hidden = false
  }

  /** Clears the banner if it still reports `topic` (or whatever it reports, without a topic). */
  clear(topic?: string): void {
    if (topic !== undefined && topic !== this.#topic) return
    this.#topic = null
    this.element.hidden = true
    this.element.replaceChildren()
  }
}
