import { h, replaceChildren, uniqueId } from "./dom.js"

export interface NamePromptOptions {
  /** The name others see now. */
  readonly name: string
  /** True when this browser's person chose a name before: then the page does not ask. */
  readonly chosen: boolean
  /** The meeting's attendees, offered as one-click answers; read each time the question opens. */
  readonly attendees: () => readonly string[]
  readonly onName: (name: string) => void
}

/**
 * Asks once who is here: on the first visit a dialog offers the meeting's attendees and a field
 * for any other name; the answer is remembered in this browser, and "change" asks again. Closing
 * the dialog without an answer leaves the person unnamed (others see that) until they say.
 */
export class NamePrompt {
  readonly element: HTMLElement
  readonly #dialog: HTMLDialogElement
  readonly #choices: HTMLElement
  readonly #input: HTMLInputElement
  readonly #current: HTMLElement
  readonly #change: HTMLButtonElement
  readonly #options: NamePromptOptions
  #chosen: boolean

  constructor(options: NamePromptOptions) {
    this.#options = options
    this.#chosen = options.chosen
    const titleId = uniqueId("name-title")
    const inputId = uniqueId("your-name")
    this.#input = h("input", {
      id: inputId,
      name: "name",
      type: "text",
      autocomplete: "name",
      maxlength: 60,
      required: true,
      "data-testid": "name-input",
    })
    this.#choices = h("div", { class: "name-choices", role: "group", "aria-label": "Attendees" })
    const later = h("button", { type: "button", class: "button", "data-testid": "name-later" }, "Not now")
    const form = h(
      "form",
      { class: "name-form" },
      h("label", { for: inputId }, "Your name"),
      h(
        "div",
        { class: "inline-field" },
        this.#input,
        h("button", { type: "submit", class: "button button-primary", "data-testid": "name-save" }, "Save"),
      ),
    )
    this.#dialog = h(
      "dialog",
      { class: "dialog name-dialog", "aria-labelledby": titleId, "data-testid": "name-dialog" },
      h("h2", { id: titleId }, "Who are you?"),
      h(
        "p",
        {},
        "People in this meeting see your name in the list of who is here and next to your cursor. This browser remembers it.",
      ),
      this.#choices,
      form,
      h("div", { class: "dialog-actions" }, later),
    )
    this.#current = h("strong", { class: "name-current", "data-testid": "name-current" }, options.name)
    this.#change = h(
      "button",
      { type: "button", class: "link-button", "data-testid": "name-change" },
      options.chosen ? "change" : "say who you are",
    )
    this.element = h(
      "div",
      { class: "name-prompt" },
      h("p", { class: "name-summary" }, "You are ", this.#current, " (", this.#change, ")"),
      this.#dialog,
    )

    form.addEventListener("submit", (event) => {
      event.preventDefault()
      this.#choose(this.#input.value)
    })
    later.addEventListener("click", () => this.#dialog.close())
    this.#change.addEventListener("click", () => this.open())
    // However it closes (a name, "Not now", Escape), the keyboard goes to the name's own control,
    // not back to the top of the page; on a phone, where that control is below the editor, without
    // scrolling the minutes away.
    this.#dialog.addEventListener("close", () => this.#change.focus({ preventScroll: true }))
  }

  /** Asks now: on the first visit, and whenever the person wants to change their name. */
  open(): void {
    const attendees = this.#options.attendees()
    replaceChildren(
      this.#choices,
      ...(attendees.length > 0 ? [h("p", { class: "name-choices-label" }, "Are you one of the attendees?")] : []),
      ...attendees.map((name) => {
        const choice = h(
          "button",
          { type: "button", class: "button button-small name-choice", "data-testid": "name-choice", "data-name": name },
          name,
        )
        choice.addEventListener("click", () => this.#choose(name))
        return choice
      }),
    )
    this.#input.value = this.#chosen ? (this.#current.textContent ?? "") : ""
    if (!this.#dialog.open) this.#dialog.showModal()
    const first = this.#choices.querySelector<HTMLButtonElement>("button")
    ;(first ?? this.#input).focus()
  }

  #choose(raw: string): void {
    const name = raw.trim().replace(/\s+/g, " ")
    if (!name) {
      this.#input.focus()
      return
    }
    this.#current.textContent = name
    this.#chosen = true
    this.#change.textContent = "change"
    this.#dialog.close()
    this.#options.onName(name)
  }
}
