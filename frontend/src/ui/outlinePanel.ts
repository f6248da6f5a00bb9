import type { OutlineEntry } from "../text/outline.js"
import { h, replaceChildren } from "./dom.js"

/** The headings of the minutes; choosing one moves the editor there. */
export class OutlinePanel {
  readonly element: HTMLElement
  readonly #list: HTMLOListElement
  readonly #onSelect: (entry: OutlineEntry) => void

  constructor(onSelect: (entry: OutlineEntry) => void) {
    this.#onSelect = onSelect
    this.#list = h("ol", { class: "outline-list" })
    this.element = h("nav", { class: "outline", "data-testid": "outline", "aria-label": "Outline" }, this.#list)
  }

  show(entries: readonly OutlineEntry[]): void {
    if (entries.length === 0) {
      replaceChildren(this.#list, h("li", { class: "empty" }, "No headings yet."))
      return
    }
    replaceChildren(
      this.#list,
      ...entries.map((entry) => {
        const button = h(
          "button",
          { type: "button", class: `outline-item level-${entry.level}`, "data-line": entry.line },
          entry.title,
        )
        button.addEventListener("click", () => this.#onSelect(entry))
        return h("li", {}, button)
      }),
    )
  }
}
