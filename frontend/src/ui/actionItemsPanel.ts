import type { ChangeDesc } from "@codemirror/state"
import type { EditsSince } from "../editor.js"
import { type ActionItem, itemCounts } from "../text/actionItems.js"
import { withoutEscapes } from "../text/markdownLines.js"
import { h, occurrenceKeys, rebuildKeepingFocus } from "./dom.js"

/**
 * What the panel's buttons call with an item as read from the text, and the edits made since that
 * reading (null when unknown), through which the item's place maps to today's text.
 */
type ItemAction = (item: ActionItem, since: ChangeDesc | null) => void

export interface ActionItemHandlers {
  readonly select: ItemAction
  /** Ticks or unticks the item in the text; null when the page is read-only. */
  readonly toggle: ItemAction | null
  /** Rewrites a habitual line (`ACTION: …`, `TODO @…`) as a checklist item; null when read-only. */
  readonly convert: ItemAction | null
  /** Starts a new item in the text at the caret; null when read-only. */
  readonly add: (() => void) | null
}

/** After this long a press no longer holds the list back, whether or not its release was seen. */
const LONGEST_PRESS_MS = 5_000

/** Items read from the text, and the edits made since that reading. */
interface Reading {
  readonly items: readonly ActionItem[]
  readonly edits: EditsSince | null
}

const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
/** How people press the editor's Mod-Shift-Enter (actionItemCommands.ts ADD_ACTION_ITEM_KEY). */
const ADD_SHORTCUT = IS_MAC ? "⌘⇧↩" : "Ctrl+Shift+Enter"

/**
 * The action items found anywhere in the minutes: checklist items (`- [ ] Owner: text`) with a box
 * to tick, and lines written by habit (`ACTION: Name to …`) with a button that makes them
 * checklist items. "Add action item" starts a new one in the text.
 */
export class ActionItemsPanel {
  readonly element: HTMLElement
  readonly #list: HTMLUListElement
  readonly #summary: HTMLElement
  readonly #add: HTMLButtonElement
  /** The add button and its shortcut, hidden when the page is read-only. */
  readonly #addArea: HTMLElement
  /** What the list shows (rebuildKeepingFocus). */
  #shown: string | null = null
  /**
   * The line whose "Make it a checklist item" had the keyboard: the button goes with the
   * conversion, and the keyboard goes on to the new box on that line when the list shows it.
   */
  #convertedLine: number | null = null
  /**
   * The reading of the text the list's buttons act on: the newest one shown (the list is rebuilt
   * only when what it shows changed, so it lists the same items in the same order).
   */
  #current: Reading = { items: [], edits: null }
  /**
   * A reading that came while a pointer was pressed on the list, shown when it is released:
   * rebuilding then (the owner typing in the item does, every keystroke) replaced the box under the
   * pointer and lost the click, and the buttons must act on the reading the list shows.
   */
  #waiting: Reading | null = null
  #pressed = false
  #pressTimeout: ReturnType<typeof setTimeout> | undefined

  constructor(readonly handlers: () => ActionItemHandlers) {
    this.#summary = h("p", { class: "panel-note" })
    this.#list = h("ul", { class: "actions-list" })
    this.#list.addEventListener("pointerdown", () => {
      this.#pressed = true
      // The release may happen anywhere; the click it makes comes right after it.
      document.addEventListener("pointerup", this.#release, { once: true, capture: true })
      document.addEventListener("pointercancel", this.#release, { once: true, capture: true })
      // A release outside the window may never be told: the list must not stay as it is for good.
      clearTimeout(this.#pressTimeout)
      this.#pressTimeout = setTimeout(this.#release, LONGEST_PRESS_MS)
    })
    this.#add = h(
      "button",
      {
        type: "button",
        class: "button button-small",
        "data-testid": "action-add",
        "aria-keyshortcuts": IS_MAC ? "Meta+Shift+Enter" : "Control+Shift+Enter",
        title: `Add an action item at the cursor (${ADD_SHORTCUT} in the text)`,
      },
      "Add action item",
    )
    this.#add.addEventListener("click", () => this.handlers().add?.())
    this.#addArea = h(
      "div",
      { class: "actions-add" },
      this.#add,
      h("p", { class: "panel-note" }, "In the text: ", h("kbd", {}, ADD_SHORTCUT)),
    )
    this.element = h(
      "div",
      { class: "actions", "data-testid": "action-items" },
      this.#summary,
      this.#list,
      this.#addArea,
    )
  }

  /** Shows the action items of a reading of the text; `edits`: the edits since, released when no longer shown. */
  show(items: readonly ActionItem[], edits: EditsSince | null = null): void {
    if (this.#pressed) {
      this.#waiting?.edits?.release()
      this.#waiting = { items, edits }
      return
    }
    this.#current.edits?.release()
    this.#current = { items, edits }
    const counts = itemCounts(items)
    const { select, toggle, convert, add } = this.handlers()
    // Only those who can write are invited to add one; a viewer just reads that there are none.
    const none = add === null ? "None yet." : "None yet. Write “- [ ] Owner: what to do”, or add one below."
    this.#summary.textContent =
      items.length === 0 ? none : `${counts.open} open, ${counts.done} done.${habitNote(counts.habits)}`
    this.#addArea.hidden = add === null
    const keys = occurrenceKeys(items.map((item) => `${item.form} ${item.owner}: ${item.text}`))
    // Where each item is does not count: every use finds it again in the text (currentItem).
    const shown = items.map((item) => [
      item.form,
      item.done,
      item.owner,
      item.text,
      item.checklist,
      counts.tickedOn(item),
    ])
    const signature = JSON.stringify([shown, toggle === null, convert === null])
    const before = this.#shown
    this.#shown = rebuildKeepingFocus(this.#list, signature, before, () =>
      items.map((item, i) => {
        const key = keys[i] ?? ""
        const words = withoutEscapes(item.text)
        const label = `${item.owner ? `${item.owner}: ` : ""}${words}`
        const jump = h(
          "button",
          {
            type: "button",
            class: "action-text",
            "data-line": item.line,
            "data-focus-key": `go ${key}`,
            title: `Go to line ${item.line}`,
          },
          item.owner ? h("span", { class: "action-owner" }, item.owner) : null,
          item.owner ? " " : null,
          words,
        )
        jump.addEventListener("click", () => this.#act(select, i, item))
        const attributes = { class: "action", "data-done": item.done, "data-owner": item.owner, "data-form": item.form }
        const tickedOn = counts.tickedOn(item)
        // A copy (carried over into "Review previous notes") of an item someone ticked elsewhere.
        if (item.form === "checklist") {
          const box = this.#box(item, i, label, toggle, key)
          if (tickedOn === null) return h("li", attributes, box, jump)
          const elsewhere = h("span", { class: "action-elsewhere" }, `ticked on line ${tickedOn}`)
          return h("li", attributes, box, h("div", { class: "action-body" }, jump, elsewhere))
        }
        return h(
          "li",
          attributes,
          h("span", { class: "action-habit", "aria-hidden": "true" }, "•"),
          h("div", { class: "action-body" }, jump, this.#convertButton(item, i, label, convert)),
        )
      }),
    )
    this.#list.querySelectorAll<HTMLElement>(".action-text").forEach((jump, i) => {
      const line = String(items[i]?.line ?? "")
      jump.dataset.line = line
      jump.title = `Go to line ${line}`
    })
    if (this.#convertedLine !== null && this.#shown !== before) this.#focusConverted(items)
  }

  readonly #release = (): void => {
    clearTimeout(this.#pressTimeout)
    document.removeEventListener("pointerup", this.#release, { capture: true })
    document.removeEventListener("pointercancel", this.#release, { capture: true })
    // After the click (which follows pointerup in the same turn of input events) has been handled.
    setTimeout(() => {
      this.#pressed = false
      const waiting = this.#waiting
      this.#waiting = null
      if (waiting !== null) this.show(waiting.items, waiting.edits)
    }, 0)
  }

  /** Calls `action` with the `index`-th item of the reading the list shows, and the edits since. */
  #act(action: ItemAction, index: number, shown: ActionItem): void {
    action(this.#current.items[index] ?? shown, this.#current.edits?.changes ?? null)
  }

  #focusConverted(items: readonly ActionItem[]): void {
    const index = items.findIndex((item) => item.line === this.#convertedLine && item.form === "checklist")
    this.#convertedLine = null
    if (index >= 0 && document.activeElement === document.body) {
      this.#list.children[index]?.querySelector<HTMLElement>(".action-check")?.focus({ preventScroll: true })
    }
  }

  #box(item: ActionItem, index: number, label: string, toggle: ActionItemHandlers["toggle"], key: string): HTMLElement {
    const box = h("input", {
      type: "checkbox",
      class: "action-check",
      checked: item.done,
      disabled: toggle === null,
      // The same key ticked or not: ticking rebuilds the list, and the box keeps the keyboard.
      "data-focus-key": `tick ${key}`,
      "aria-label": `${item.done ? "Done" : "Open"}: ${label}`,
    })
    if (toggle) box.addEventListener("change", () => this.#act(toggle, index, item))
    return box
  }

  /** Shown only when the page may edit: turning the line into `- [ ] Owner: text` in one click. */
  #convertButton(
    item: ActionItem,
    index: number,
    label: string,
    convert: ActionItemHandlers["convert"],
  ): HTMLElement | null {
    if (convert === null) return null
    const button = h(
      "button",
      {
        type: "button",
        class: "link-button action-convert",
        "data-testid": "action-convert",
        title: `Rewrites the line as: ${item.checklist?.trim() ?? ""}`,
        "aria-label": `Make a checklist item of: ${label}`,
      },
      "Make it a checklist item",
    )
    button.addEventListener("click", () => {
      this.#convertedLine = (this.#current.items[index] ?? item).line
      this.#act(convert, index, item)
    })
    return button
  }
}

/** What the count leaves out: lines written by habit count (and carry over) once converted. */
function habitNote(habits: number): string {
  if (habits === 0) return ""
  return habits === 1
    ? " One more, written as a plain line, counts once it is a checklist item."
    : ` ${habits} more, written as plain lines, count once they are checklist items.`
}
