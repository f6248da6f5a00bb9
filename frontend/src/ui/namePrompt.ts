import { h, uniqueId } from "./dom.js"

/**
 * Asks once for the name others see; the answer is remembered in this browser. Never blocks
 * the editor: until a name is chosen the page uses a guest name.
 */
export class NamePrompt {
  readonly element: HTMLElement

  constructor(initialName: string, asked: boolean, onName: (name: string) => void) {
    const id = uniqueId("your-name")
    const input = h("input", {
      id,
      name: "name",
      type: "text",
      autocomplete: "name",
      maxlength: 60,
      required: true,
      "data-testid": "name-input",
    })
    const form = h(
      "form",
      { class: "name-form", hidden: asked },
      h("label", { for: id }, "Your name, as others see it"),
      h(
        "div",
        { class: "inline-field" },
        input,
        h("button", { type: "submit", class: "button button-small", "data-testid": "name-save" }, "Save"),
      ),
    )
    const change = h("button", { type: "button", class: "link-button", "data-testid": "name-change" }, "change")
    const current = h("strong", { class: "name-current" }, initialName)
    const summary = h("p", { class: "name-summary", hidden: !asked }, "You are ", current, " (", change, ")")
    this.element = h("div", { class: "name-prompt" }, form, summary)

    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const name = input.value.trim()
      if (!name) return
      current.textContent = name
      form.hidden = true
      summary.hidden = false
      onName(name)
      change.focus()
    })
    change.addEventListener("click", () => {
      input.value = current.textContent ?? ""
      form.hidden = false
      summary.hidden = true
      input.focus()
    })
  }
}
