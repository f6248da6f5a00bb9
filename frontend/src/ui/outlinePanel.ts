import type { OutlineEntry } from "../text/outline.js"
import { h, occurrenceKeys, rebuildKeepingFocus } from "./dom.js"

/** The headings of the minutes; choosing one moves the editor there. */
export class OutlinePanel {
  readonly element: HTMLElement
  readonly #list: HTMLOListElement
  readonly #onSelect: (entry: OutlineEntry) => void
  /** What the list shows (rebuildKeepingFocus). */
  #shown: string | null = null

  constructor(onSelect: (entry: OutlineEntry) => void) {
    this.#onSelect = onSelect
    this.#list = h("ol", { class: "outline-list" })
    this.element = h("nav", { class: "outline", "data-testid": "outline", "aria-label": "Outline" }, this.#list)
  }

  show(entries: readonly OutlineEntry[]): void {
    if (entries.length === 0) {
      this.#shown = rebuildKeepingFocus(this.#list, "", this.#shown, () => [
        h("li", { class: "empty" }, "No headings yet."),
      ])
      return
    }
    const keys = occurrenceKeys(entries.map((entry) => `${entry.level} ${entry.title}`))
    // Where each heading is does not count: choosing one finds it again (editor.goToHeading).
    this.#shown = rebuildKeepingFocus(this.#list, JSON.stringify(keys), this.#shown, () =>
      entries.map((entry, i) => {
        const button = h(
          "button",
          {
            type: "button",
            class: `outline-item level-${entry.level}`,
            "data-line": entry.line,
            "data-focus-key": keys[i],
          },
          entry.title,
        )
        button.addEventListener("click", () => this.#onSelect(entry))
        return h("li", {}, button)
      }),
    )
    this.#list.querySelectorAll<HTMLElement>(".outline-item").forEach((button, i) => {
      button.dataset.line = String(entries[i]?.line ?? "")
    })
  }
}
