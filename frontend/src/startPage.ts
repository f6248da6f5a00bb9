import { ApiError, type MinutesApi } from "./api.js"
import { meetingIdFrom } from "./links.js"
import { localDate } from "./localDate.js"
import type { CreateMeetingRequest, CreateSeriesRequest, MeetingCreated, SeriesCreated } from "./types.js"
import { h, inPageLink, replaceChildren, uniqueId } from "./ui/dom.js"
import { linksPanel } from "./ui/linksPanel.js"

/**
 * The start page: create a meeting (then share its three links) or import a published minutes
 * file. A server may require a creation token; the field appears when the server asks for it.
 */
export class StartPage {
  readonly #api: MinutesApi
  readonly #result: HTMLElement
  readonly #tokenField: HTMLElement
  readonly #tokenInput: HTMLInputElement

  constructor(root: HTMLElement, api: MinutesApi) {
    this.#api = api
    this.#result = h("div", { class: "result", "aria-live": "polite" })
    const tokenId = uniqueId("creation-token")
    this.#tokenInput = h("input", {
      id: tokenId,
      type: "password",
      autocomplete: "off",
      "data-testid": "field-creation-token",
      "aria-describedby": `${tokenId}-note`,
    })
    // Its own small form: password managers and browsers expect a password field inside one.
    this.#tokenField = h(
      "form",
      { class: "card token-card", hidden: true, "aria-label": "Creation token" },
      h("label", { for: tokenId }, "Creation token"),
      h(
        "p",
        { id: `${tokenId}-note`, class: "field-note" },
        "This server only lets people with its creation token create or import meetings. Ask its operator for it.",
      ),
      this.#tokenInput,
    )
    this.#tokenField.addEventListener("submit", (event) => event.preventDefault())
    document.title = "minutes"
    replaceChildren(
      root,
      inPageLink("main", "skip-link", "Skip to the content"),
      h(
        "header",
        { class: "topbar" },
        h("a", { class: "brand", href: "/" }, "minutes"),
        h("h1", { class: "tagline" }, "Meeting minutes, written together"),
      ),
      h(
        "main",
        { class: "start", id: "main" },
        this.#tokenField,
        this.#result,
        this.#createForm(),
        this.#seriesForm(),
        this.#importForm(),
      ),
    )
  }

  #createForm(): HTMLElement {
    const today = localDate(new Date())
    const date = field("date", "Date", { type: "date", value: today, required: true })
    const subject = field("subject", "Subject", { type: "text", placeholder: `Weekly Meeting: ${today}` })
    const description = field("description", "Description", {
      type: "text",
      placeholder: "e.g. 1st April 2014: Mini-OS, IOCaml and Xenstore",
    })
    const chair = field("chair", "Chair", { type: "text", autocomplete: "name", required: true })
    const attendees = area("attendees", "Attendees", "One name per line (commas work too). The chair is added for you.")
    const agenda = area("agenda", "Agenda", "One item per line, in order.")
    const author = authorFields("author")
    const continueId = uniqueId("continue")
    const continues = h("input", { id: continueId, type: "checkbox", "data-testid": "field-continue" })
    const previous = field(
      "previous",
      "Previous meeting",
      { type: "text", placeholder: "Its link or id" },
      "Its open action items are carried over.",
    )
    previous.wrapper.hidden = true
    continues.addEventListener("change", () => {
      previous.wrapper.hidden = !continues.checked
      // Following a meeting, what is left empty comes from it: the date its minutes give for the
      // next call, its chair, attendees, agenda and subject pattern.
      date.input.required = !continues.checked
      chair.input.required = !continues.checked
      if (continues.checked && date.input.value === today) date.input.value = ""
      if (continues.checked) previous.input.focus()
    })
    date.input.addEventListener("input", () => {
      subject.input.placeholder = `Weekly Meeting: ${date.input.value || today}`
    })
    const error = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "create-error" })
    const submit = h(
      "button",
      { type: "submit", class: "button button-primary", "data-testid": "create-submit" },
      "Create the meeting",
    )

    const form = h(
      "form",
      { class: "card", "aria-labelledby": "create-title", novalidate: false },
      h("h2", { id: "create-title" }, "New meeting"),
      h("div", { class: "grid-2" }, date.wrapper, chair.wrapper),
      subject.wrapper,
      description.wrapper,
      h("div", { class: "grid-2" }, attendees.wrapper, agenda.wrapper),
      author.element,
      h(
        "div",
        { class: "check-field" },
        continues,
        h("label", { for: continueId }, "Continue from the previous meeting"),
      ),
      previous.wrapper,
      error,
      h("div", { class: "form-actions" }, submit),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const chairName = chair.input.value.trim()
      const request: CreateMeetingRequest = {
        date: date.input.value || today,
        subject: subject.input.value.trim() || `Weekly Meeting: ${date.input.value || today}`,
        description: description.input.value.trim(),
        author: author.value(chairName),
        chair: chairName,
        attendees: names(attendees.input.value),
        agenda: lines(agenda.input.value),
      }
      const previousId = continues.checked ? meetingIdFrom(previous.input.value) : ""
      if (previousId) {
        request.previous = previousId
        followingOnly(request, {
          date: date.input.value,
          subject: subject.input.value.trim(),
          chair: chairName,
          author: author.name(),
        })
      }
      void this.#submit(
        submit,
        error,
        "Creating…",
        () => this.#api.createMeeting(request, this.#token()),
        "Your meeting is ready",
      )
    })
    return form
  }

  /** A weekly call: one set of links for every call (docs/series.md). */
  #seriesForm(): HTMLElement {
    const title = field("series-title", "Name", { type: "text", required: true, placeholder: "e.g. MirageOS call" })
    const chair = field("series-chair", "Chair", { type: "text", autocomplete: "name", required: true })
    const cadence = field(
      "series-cadence",
      "Every … days",
      { type: "number", min: "1", max: "365", value: "7", required: true },
      "When the minutes do not say when the next call is.",
    )
    const attendees = area("series-attendees", "Attendees", "One name per line. They are listed in every call.")
    const agenda = area(
      "series-agenda",
      "Standing agenda",
      "One item per line, after “Review previous notes” with the open action items.",
    )
    const subject = field(
      "series-subject",
      "Subject of each call",
      { type: "text", placeholder: "Weekly Meeting: {date}" },
      "{date} becomes the call's date.",
    )
    const description = field("series-description", "Description of each call", {
      type: "text",
      placeholder: "e.g. MirageOS developer call",
    })
    const author = authorFields("series-author")
    const error = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "series-error" })
    const submit = h("button", { type: "submit", class: "button", "data-testid": "series-submit" }, "Create the series")
    const form = h(
      "form",
      { class: "card", "aria-labelledby": "new-series-title" },
      h("h2", { id: "new-series-title" }, "New series of calls"),
      h(
        "p",
        { class: "panel-note" },
        "A weekly call keeps one set of links: each opens the call in progress, or the list of past calls with their minutes and open action items.",
      ),
      h("div", { class: "grid-2" }, title.wrapper, chair.wrapper),
      h("div", { class: "grid-2" }, attendees.wrapper, agenda.wrapper),
      h("div", { class: "grid-2" }, cadence.wrapper, subject.wrapper),
      description.wrapper,
      author.element,
      error,
      h("div", { class: "form-actions" }, submit),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const chairName = chair.input.value.trim()
      const request: CreateSeriesRequest = {
        title: title.input.value.trim(),
        chair: chairName,
        attendees: names(attendees.input.value),
        agenda: lines(agenda.input.value),
        cadenceDays: Number(cadence.input.value),
        description: description.input.value.trim(),
        author: author.value(chairName),
      }
      const subjectText = subject.input.value.trim()
      if (subjectText) request.subject = subjectText
      void this.#submit(
        submit,
        error,
        "Creating…",
        () => this.#api.createSeries(request, this.#token()),
        "Your series is ready",
        "series",
      )
    })
    return form
  }

  #importForm(): HTMLElement {
    const fileId = uniqueId("import-file")
    const file = h("input", {
      id: fileId,
      type: "file",
      accept: ".md,text/markdown,text/plain",
      "data-testid": "field-import-file",
    })
    const text = area("import-text", "…or paste its text", "")
    const error = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "import-error" })
    const submit = h("button", { type: "submit", class: "button", "data-testid": "import-submit" }, "Import")
    file.addEventListener("change", () => {
      const chosen = file.files?.[0]
      if (chosen) void chosen.text().then((content) => (text.input.value = content))
    })
    const form = h(
      "form",
      { class: "card", "aria-labelledby": "import-title" },
      h("h2", { id: "import-title" }, "Import published minutes"),
      h(
        "p",
        { class: "panel-note" },
        "A minutes file as published (front matter, then the text) becomes a new meeting holding exactly it.",
      ),
      h("div", { class: "field" }, h("label", { for: fileId }, "Minutes file"), file),
      text.wrapper,
      error,
      h("div", { class: "form-actions" }, submit),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const markdown = text.input.value
      if (!markdown.trim()) {
        showError(error, "Choose a minutes file or paste its text first.")
        return
      }
      void this.#submit(
        submit,
        error,
        "Importing…",
        () => this.#api.importMinutes(markdown, this.#token()),
        "Imported: your meeting is ready",
      )
    })
    return form
  }

  async #submit(
    button: HTMLButtonElement,
    error: HTMLElement,
    busyLabel: string,
    action: () => Promise<MeetingCreated | SeriesCreated>,
    heading: string,
    kind: "meeting" | "series" = "meeting",
  ): Promise<void> {
    const label = button.textContent
    button.disabled = true
    button.textContent = busyLabel
    error.hidden = true
    try {
      const created = await action()
      const panel = linksPanel(created, heading, kind)
      replaceChildren(this.#result, panel)
      panel.focus()
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) {
        this.#tokenField.hidden = false
        this.#tokenInput.focus()
        showError(
          error,
          this.#tokenInput.value
            ? "The server did not accept this creation token. Check it and try again."
            : "This server asks for a creation token. Enter it above and try again.",
        )
      } else {
        console.error("Request failed", failure)
        showError(error, failure instanceof Error ? failure.message : "Something went wrong. Try again.")
      }
    } finally {
      button.disabled = false
      button.textContent = label
    }
  }

  #token(): string | null {
    return this.#tokenInput.value.trim() || null
  }
}

interface Field<E extends HTMLInputElement | HTMLTextAreaElement> {
  wrapper: HTMLElement
  input: E
}

/**
 * The front matter's author (the docs site links the byline to the web page), folded away: the
 * chair is the author unless someone else is named.
 */
function authorFields(name: string): {
  element: HTMLElement
  name: () => string
  value: (chair: string) => { name: string; uri: string; email: string }
} {
  const authorName = field(
    `${name}-name`,
    "Written by",
    { type: "text", autocomplete: "name" },
    "Leave empty if the chair writes the minutes.",
  )
  const uri = field(`${name}-uri`, "Author's web page", { type: "url", placeholder: "https://" })
  const email = field(`${name}-email`, "Author's email", { type: "email", autocomplete: "email" })
  return {
    element: h(
      "details",
      { class: "more" },
      h("summary", {}, "Author of the minutes"),
      authorName.wrapper,
      h("div", { class: "grid-2" }, uri.wrapper, email.wrapper),
    ),
    name: () => authorName.input.value.trim(),
    value: (chair) => ({
      name: authorName.input.value.trim() || chair,
      uri: uri.input.value.trim(),
      email: email.input.value.trim(),
    }),
  }
}

function field(
  name: string,
  label: string,
  attributes: Record<string, string | boolean>,
  note?: string,
): Field<HTMLInputElement> {
  const id = uniqueId(`field-${name}`)
  const noteId = note ? `${id}-note` : null
  const input = h("input", { id, name, "data-testid": `field-${name}`, "aria-describedby": noteId, ...attributes })
  const wrapper = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    note ? h("p", { id: noteId, class: "field-note" }, note) : null,
  )
  return { wrapper, input }
}

function area(name: string, label: string, note: string): Field<HTMLTextAreaElement> {
  const id = uniqueId(`field-${name}`)
  const noteId = note ? `${id}-note` : null
  const input = h("textarea", { id, name, rows: 5, "data-testid": `field-${name}`, "aria-describedby": noteId })
  const wrapper = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    note ? h("p", { id: noteId, class: "field-note" }, note) : null,
    input,
  )
  return { wrapper, input }
}

/**
 * A meeting that follows another takes from it whatever the form leaves empty, so only what
 * the person filled in is sent.
 */
function followingOnly(
  request: CreateMeetingRequest,
  filled: { date: string; subject: string; chair: string; author: string },
): void {
  if (!filled.date) delete request.date
  if (!filled.subject) delete request.subject
  if (!filled.chair) delete request.chair
  if (!filled.author && !filled.chair) delete request.author
  if (request.attendees?.length === 0) delete request.attendees
  if (request.agenda?.length === 0) delete request.agenda
}

function showError(element: HTMLElement, message: string): void {
  element.textContent = message
  element.hidden = false
}

/** Attendees are written one per line or separated by commas; empty entries are dropped. */
export function names(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
}
