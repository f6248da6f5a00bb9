import { h } from "./dom.js"

/** Action items written by habit (`ACTION: Ben to …`) in the minutes, which the chair may convert. */
export interface HabitLines {
  /** How many lines are written by habit now. */
  count(): number
  /** Makes them checklist items (one edit of the chair's); how many it rewrote. */
  convertAll(): number
}

/**
 * The chair's confirmation before closing: closing freezes the minutes for everyone and publishes
 * them; only a chair's reopening (a correction, published as a new revision) lets anyone edit
 * them again. A native <dialog> gives focus trapping and Escape for free.
 */
export class CloseDialog {
  readonly element: HTMLDialogElement
  readonly #warning: HTMLElement
  readonly #habits: HTMLElement
  readonly #habitsText: HTMLElement
  readonly #convert: HTMLButtonElement
  #habitLines: HabitLines | null = null
  readonly #error: HTMLElement
  readonly #confirm: HTMLButtonElement
  #onConfirm: (() => Promise<void>) | null = null
  /** Where the keyboard goes once closed: the button that opened the dialog is gone by then. */
  #afterClosing: (() => void) | null = null

  constructor() {
    this.#warning = h("p", { class: "dialog-warning", hidden: true })
    this.#error = h("p", { class: "dialog-error", role: "alert", hidden: true })
    this.#habitsText = h("span", {})
    this.#convert = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "convert-habits" },
      "Make them checklist items",
    )
    this.#habits = h(
      "div",
      { class: "dialog-warning", "data-testid": "close-habits", hidden: true },
      h("p", {}, this.#habitsText),
      this.#convert,
    )
    this.#confirm = h(
      "button",
      { type: "button", class: "button button-danger", "data-testid": "confirm-close" },
      "Close the meeting",
    )
    const cancel = h("button", { type: "button", class: "button", "data-testid": "cancel-close" }, "Keep it open")
    this.element = h(
      "dialog",
      { class: "dialog", "aria-labelledby": "close-dialog-title" },
      h("h2", { id: "close-dialog-title" }, "Close this meeting?"),
      h(
        "p",
        {},
        "The minutes become final and are published: nobody can edit them any more. A chair can open them again to correct them; the correction is published as a new revision.",
      ),
      this.#warning,
      this.#habits,
      this.#error,
      h("div", { class: "dialog-actions" }, cancel, this.#confirm),
    )
    cancel.addEventListener("click", () => this.element.close())
    this.#confirm.addEventListener("click", () => void this.#confirmClicked())
    this.#convert.addEventListener("click", () => this.#convertHabits())
  }

  /**
   * `habits`: the minutes' action items written by habit, which a series does not carry to the
   * next call (only checklist items are action items to the server); null when none can be
   * converted from here.
   */
  open(
    pendingEdits: number | null,
    onConfirm: () => Promise<void>,
    afterClosing: () => void = () => {},
    habits: HabitLines | null = null,
  ): void {
    this.#habitLines = habits
    this.#showHabits(habits?.count() ?? 0)
    this.#onConfirm = onConfirm
    this.#afterClosing = afterClosing
    this.#error.hidden = true
    this.#confirm.disabled = false
    this.#confirm.textContent = "Close the meeting"
    if (pendingEdits === null || pendingEdits > 0) {
      this.#warning.hidden = false
      this.#warning.textContent =
        pendingEdits === null
          ? "The server has not yet confirmed your latest edits. Wait until the indicator says “saved”, or they will not be part of the minutes."
          : `${pendingEdits} of your edits are not on the server yet. Wait until the indicator says “saved”, or they will not be part of the minutes.`
    } else {
      this.#warning.hidden = true
    }
    this.element.showModal()
  }

  #showHabits(count: number): void {
    this.#habits.hidden = count === 0
    this.#convert.hidden = false
    this.#convert.textContent = count === 1 ? "Make it a checklist item" : "Make them checklist items"
    this.#habitsText.textContent =
      count === 1
        ? "One action item is written as a plain line starting with “ACTION” or “TODO”, not as a checklist item: it is not counted, and the next call of a series does not carry it over."
        : `${count} action items are written as plain lines starting with “ACTION” or “TODO”, not as checklist items: they are not counted, and the next call of a series does not carry them over.`
  }

  #convertHabits(): void {
    const converted = this.#habitLines?.convertAll() ?? 0
    this.#habitsText.textContent =
      converted === 1 ? "It is a checklist item now." : `They are checklist items now (${converted}).`
    this.#convert.hidden = true
    this.#confirm.focus()
  }

  /**
   * The meeting closed by someone else's hand (another chair, another tab) while this dialog was
   * open: there is nothing left to confirm. A close of this dialog's own, under way, ends itself.
   */
  dismiss(): void {
    if (!this.element.open || this.#confirm.disabled) return
    this.element.close()
    this.#afterClosing?.()
  }

  async #confirmClicked(): Promise<void> {
    if (!this.#onConfirm) return
    this.#confirm.disabled = true
    this.#confirm.textContent = "Closing…"
    try {
      await this.#onConfirm()
      this.element.close()
      this.#afterClosing?.()
    } catch (error) {
      this.#error.hidden = false
      this.#error.textContent = error instanceof Error ? error.message : "Closing the meeting failed."
      this.#confirm.disabled = false
      this.#confirm.textContent = "Try again"
    }
  }
}
