import { readStorage, writeStorage } from "../identity.js"
import { h } from "./dom.js"

export type ViewMode = "edit" | "split" | "preview"

const MODES: readonly { mode: ViewMode; label: string }[] = [
  { mode: "edit", label: "Edit" },
  { mode: "split", label: "Split" },
  { mode: "preview", label: "Preview" },
]
const STORAGE_KEY = "minutes.view"

/** The view this browser chose last; editing until it chose one. */
export function storedViewMode(): ViewMode {
  const stored = readStorage(STORAGE_KEY)
  return MODES.some((option) => option.mode === stored) ? (stored as ViewMode) : "edit"
}

/**
 * Edit / Split / Preview as a group of radio buttons (one tab stop, arrow keys move between them,
 * as screen readers expect of a choice of one). The choice is remembered per browser.
 */
export class ViewModeSwitch {
  readonly element: HTMLElement
  readonly #inputs = new Map<ViewMode, HTMLInputElement>()
  readonly #onChange: (mode: ViewMode) => void

  constructor(initial: ViewMode, onChange: (mode: ViewMode) => void) {
    this.#onChange = onChange
    const options = MODES.map(({ mode, label }) => {
      const input = h("input", {
        type: "radio",
        name: "view-mode",
        value: mode,
        class: "segment-input",
        "data-testid": `view-${mode}`,
      })
      input.checked = mode === initial
      input.addEventListener("change", () => {
        if (!input.checked) return
        writeStorage(STORAGE_KEY, mode)
        this.#onChange(mode)
      })
      this.#inputs.set(mode, input)
      return h("label", { class: "segment" }, input, h("span", {}, label))
    })
    this.element = h(
      "fieldset",
      { class: "segments", "data-testid": "view-mode" },
      h("legend", { class: "visually-hidden" }, "View"),
      ...options,
    )
  }

  /** Shows `mode` as chosen without remembering it (the page chose it, not the person). */
  show(mode: ViewMode): void {
    const input = this.#inputs.get(mode)
    if (input) input.checked = true
  }
}
