import { h } from "./dom.js"

/**
 * The chair's confirmation before closing: closing freezes the minutes for everyone and publishes
 * them; only a chair's reopening (a correction, published as a new revision) lets anyone edit
 * them again. A native <dialog> gives focus trapping and Escape for free.
 */
export class CloseDialog {
  readonly element: HTMLDialogElement
  readonly #warning: HTMLElement
  readonly #error: HTMLElement
  readonly #confirm: HTMLButtonElement
  #onConfirm: (() => Promise<void>) | null = null
  /** Where the keyboard goes once closed: the button that opened the dialog is gone by then. */
  #afterClosing: (() => void) | null = null

  constructor() {
    this.#warning = h("p", { class: "dialog-warning", hidden: true })
    this.#error = h("p", { class: "dialog-error", role: "alert", hidden: true })
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
      this.#error,
      h("div", { class: "dialog-actions" }, cancel, this.#confirm),
    )
    cancel.addEventListener("click", () => this.element.close())
    this.#confirm.addEventListener("click", () => void this.#confirmClicked())
  }

  open(pendingEdits: number | null, onConfirm: () => Promise<void>, afterClosing: () => void = () => {}): void {
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
