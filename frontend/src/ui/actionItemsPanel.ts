import type { ActionItem } from "../text/actionItems.js"
import { h, replaceChildren } from "./dom.js"

export interface ActionItemHandlers {
  readonly select: (item: ActionItem) => void
  /** Ticks or unticks the item in the text; absent when the page is read-only. */
  readonly toggle: ((item: ActionItem) => void) | null
}

/** The `- [ ] Owner: text` items found anywhere in the minutes. */
export class ActionItemsPanel {
  readonly element: HTMLElement
  readonly #list: HTMLUListElement
  readonly #summary: HTMLElement

  constructor(readonly handlers: () => ActionItemHandlers) {
    this.#summary = h("p", { class: "panel-note" })
    this.#list = h("ul", { class: "actions-list" })
    this.element = h("div", { class: "actions", "data-testid": "action-items" }, this.#summary, this.#list)
  }

  show(items: readonly ActionItem[]): void {
    const open = items.filter((item) => !item.done).length
    this.#summary.textContent =
      items.length === 0
        ? "None yet. Write “- [ ] Owner: what to do” to add one."
        : `${open} open, ${items.length - open} done.`
    const { select, toggle } = this.handlers()
    replaceChildren(
      this.#list,
      ...items.map((item) => {
        const label = `${item.owner ? `${item.owner}: ` : ""}${item.text}`
        const box = h("input", {
          type: "checkbox",
          class: "action-check",
          checked: item.done,
          disabled: toggle === null,
          "aria-label": `${item.done ? "Done" : "Open"}: ${label}`,
        })
        if (toggle) box.addEventListener("change", () => toggle(item))
        const jump = h(
          "button",
          { type: "button", class: "action-text", "data-line": item.line, title: `Go to line ${item.line}` },
          item.owner ? h("span", { class: "action-owner" }, item.owner) : null,
          item.owner ? " " : null,
          item.text,
        )
        jump.addEventListener("click", () => select(item))
        return h("li", { class: "action", "data-done": item.done, "data-owner": item.owner }, box, jump)
      }),
    )
  }
}
