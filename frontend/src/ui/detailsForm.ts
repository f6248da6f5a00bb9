import {
  type DetailsErrors,
  type DetailsField,
  defaultSubject,
  type MeetingDetails,
  validateDetails,
} from "../details/meetingDetails.js"
import { h, replaceChildren, uniqueId } from "./dom.js"

interface DetailInput {
  readonly wrapper: HTMLElement
  readonly input: HTMLInputElement
  readonly error: HTMLElement
}

/**
 * The chair's form for the meeting's subject, date and description. Fields follow the document
 * (someone else may change them) unless the chair is editing them; saving checks them by the API's
 * rules and says what is wrong next to each field, or hands the valid details to `onSave`.
 */
export class DetailsForm {
  readonly element: HTMLFormElement
  readonly #fields: Record<DetailsField, DetailInput>
  readonly #status: HTMLElement
  readonly #onSave: (details: MeetingDetails) => boolean
  #shown: MeetingDetails = { subject: "", date: "", description: "" }

  /** `onSave` writes valid details and says whether anything changed. */
  constructor(onSave: (details: MeetingDetails) => boolean) {
    this.#onSave = onSave
    const subject = detailInput("subject", "Subject", { type: "text" })
    const date = detailInput("date", "Date", { type: "date", required: true })
    const description = detailInput("description", "Description", {
      type: "text",
      placeholder: "e.g. 1st April 2031: release planning",
    })
    this.#fields = { subject, date, description }
    date.input.addEventListener("input", () => {
      subject.input.placeholder = defaultSubject(date.input.value || this.#shown.date)
    })
    this.#status = h("p", { class: "form-status", role: "status", "data-testid": "details-status" })
    this.element = h(
      "form",
      { class: "details-form", "data-testid": "details-form", "aria-labelledby": "details-title", novalidate: true },
      h("h3", { id: "details-title" }, "Meeting details"),
      subject.wrapper,
      date.wrapper,
      description.wrapper,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "button button-small", "data-testid": "details-save" }, "Save details"),
        this.#status,
      ),
    )
    this.element.addEventListener("submit", (event) => {
      event.preventDefault()
      this.#save()
    })
    for (const field of Object.values(this.#fields)) {
      field.input.addEventListener("input", () => {
        this.#status.textContent = ""
      })
    }
  }

  /** The details the document holds now; fields the chair is editing keep what they typed. */
  show(details: MeetingDetails): void {
    for (const name of Object.keys(this.#fields) as DetailsField[]) {
      const { input } = this.#fields[name]
      if (input.value === this.#shown[name]) input.value = details[name]
    }
    this.#fields.subject.input.placeholder = defaultSubject(details.date)
    this.#shown = details
  }

  #save(): void {
    const { details, errors } = validateDetails({
      subject: this.#fields.subject.input.value,
      date: this.#fields.date.input.value,
      description: this.#fields.description.input.value,
    })
    this.#showErrors(errors)
    const invalid = (Object.keys(this.#fields) as DetailsField[]).find((name) => errors[name])
    if (invalid) {
      this.#status.textContent = ""
      this.#fields[invalid].input.focus()
      return
    }
    const changed = this.#onSave(details)
    // The fields now say what was saved, so the document's version (as everyone sees it) replaces them.
    for (const name of Object.keys(this.#fields) as DetailsField[]) this.#fields[name].input.value = details[name]
    this.#shown = details
    this.#status.textContent = changed ? "Saved: everyone sees the new details." : "Nothing changed."
  }

  #showErrors(errors: DetailsErrors): void {
    for (const name of Object.keys(this.#fields) as DetailsField[]) {
      const { input, error } = this.#fields[name]
      const message = errors[name]
      error.hidden = !message
      replaceChildren(error, message ?? "")
      if (message) input.setAttribute("aria-invalid", "true")
      else input.removeAttribute("aria-invalid")
    }
  }
}

function detailInput(name: DetailsField, label: string, attributes: Record<string, string | boolean>): DetailInput {
  const id = uniqueId(`details-${name}`)
  const input = h("input", {
    id,
    name,
    "data-testid": `details-${name}`,
    "aria-describedby": `${id}-error`,
    autocomplete: "off",
    ...attributes,
  })
  const error = h("p", {
    id: `${id}-error`,
    class: "field-error",
    "data-testid": `details-error-${name}`,
    hidden: true,
  })
  const wrapper = h("div", { class: "field" }, h("label", { for: id }, label), input, error)
  return { wrapper, input, error }
}
