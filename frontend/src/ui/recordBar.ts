import type { ExportFormat } from "../api.js"
import { h, replaceChildren } from "./dom.js"

/** One line of the authorship legend: a person, their colour and how much of the text is theirs. */
export interface LegendEntry {
  readonly name: string
  /** The class colouring their text (`peer-color-N` or `author-plain`). */
  readonly cls: string
  readonly characters: number
}

export interface RecordBarActions {
  readonly toggleAuthors: () => void
  readonly toggleHistory: () => void
  readonly showSinceLastVisit: () => void
  readonly download: (format: ExportFormat) => void
  /** A name in the legend was chosen: colour only that person's text, or everyone's again. */
  readonly chooseAuthor: (name: string) => void
}

const EXPORTS: readonly { format: ExportFormat; label: string; title: string }[] = [
  { format: "md", label: "Markdown", title: "The minutes as they are published" },
  { format: "json", label: "JSON", title: "Details, text, status and people, for scripts" },
  { format: "automerge", label: "Automerge", title: "The whole history, for Automerge tools" },
]

/**
 * The minutes' record above the editor: who wrote what (a toggle and its legend), the history
 * (a toggle opening the timeline), and, for someone coming back, what changed since their last
 * visit.
 */
export class RecordBar {
  readonly element: HTMLElement
  readonly #authors: HTMLButtonElement
  readonly #history: HTMLButtonElement
  readonly #since: HTMLButtonElement
  readonly #legend: HTMLElement
  readonly #legendList: HTMLUListElement
  readonly #legendNote: HTMLElement
  readonly #legendHint: HTMLElement
  readonly #actions: RecordBarActions

  constructor(actions: RecordBarActions) {
    this.#actions = actions
    this.#authors = h(
      "button",
      { type: "button", class: "button button-small toggle", "aria-pressed": "false", "data-testid": "authors-toggle" },
      "Who wrote what",
    )
    this.#history = h(
      "button",
      { type: "button", class: "button button-small toggle", "aria-pressed": "false", "data-testid": "history-toggle" },
      "History",
    )
    this.#since = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "since-last-visit", hidden: true },
      "Changes since your last visit",
    )
    this.#authors.addEventListener("click", actions.toggleAuthors)
    this.#history.addEventListener("click", actions.toggleHistory)
    this.#since.addEventListener("click", actions.showSinceLastVisit)
    this.#legendList = h("ul", { class: "legend-list", "aria-label": "Authors of the text" })
    this.#legendNote = h("p", { class: "legend-note", role: "status" })
    this.#legendHint = h("p", { class: "legend-hint", "data-testid": "legend-hint", "aria-live": "polite" })
    this.#legend = h(
      "div",
      { class: "legend", "data-testid": "authorship-legend", "data-state": "off", hidden: true },
      this.#legendNote,
      this.#legendList,
      this.#legendHint,
    )
    const downloads = EXPORTS.map(({ format, label, title }) => {
      const button = h(
        "button",
        { type: "button", class: "link-button", title, "data-testid": `export-${format}` },
        label,
      )
      button.addEventListener("click", () => actions.download(format))
      return button
    })
    this.element = h(
      "div",
      { class: "record-bar" },
      h(
        "div",
        { class: "record-actions" },
        this.#authors,
        this.#history,
        this.#since,
        h("span", { class: "record-exports" }, "Download: ", ...joined(downloads)),
      ),
      this.#legend,
    )
  }

  /** `computing` while the history is read, `on` with the legend, `off`. */
  showAuthorsState(state: "off" | "computing" | "on" | "failed", note = ""): void {
    this.#authors.setAttribute("aria-pressed", String(state !== "off"))
    this.#legend.hidden = state === "off"
    this.#legend.dataset.state = state
    this.#legendNote.textContent = note
    this.#legendNote.hidden = note === ""
    if (state !== "on") replaceChildren(this.#legendList)
  }

  /**
   * The people whose text shows, each a button colouring only their text (`only`: the one chosen,
   * null when everyone's is coloured).
   */
  showLegend(entries: readonly LegendEntry[], only: string | null): void {
    // Drawn anew as people type: the keyboard stays on the name it was on.
    const focused = (document.activeElement as HTMLElement | null)?.closest?.(".legend-item") as HTMLElement | null
    const focusedName = focused && this.#legendList.contains(focused) ? focused.dataset.name : undefined
    replaceChildren(
      this.#legendList,
      ...entries.map((entry) => {
        const chosen = entry.name === only
        // Text nobody wrote (the template) has no colour to single out.
        if (entry.cls === "author-plain") {
          return h(
            "li",
            { class: "legend-item", "data-name": entry.name, "data-class": entry.cls },
            h("span", { class: "legend-swatch author-plain", "aria-hidden": "true" }),
            h("span", { class: "legend-name" }, entry.name),
            h("span", { class: "legend-count" }, `${entry.characters.toLocaleString()} characters`),
          )
        }
        const button = h(
          "button",
          {
            type: "button",
            class: "legend-choice",
            "aria-pressed": String(chosen),
            title: chosen ? "Colour everyone's text again" : `Colour only ${entry.name}'s text`,
          },
          h("span", { class: `legend-swatch ${entry.cls}`, "aria-hidden": "true" }),
          h("span", { class: "legend-name" }, entry.name),
          h("span", { class: "legend-count" }, `${entry.characters.toLocaleString()} characters`),
        )
        button.addEventListener("click", () => this.#actions.chooseAuthor(entry.name))
        return h(
          "li",
          { class: "legend-item", "data-name": entry.name, "data-class": entry.cls, "data-chosen": String(chosen) },
          button,
        )
      }),
    )
    if (focusedName !== undefined) {
      const again = [...this.#legendList.querySelectorAll<HTMLElement>(".legend-item")].find(
        (item) => item.dataset.name === focusedName,
      )
      again?.querySelector("button")?.focus()
    }
    this.#legendHint.textContent =
      only === null
        ? "Choose a name to colour only that person's text."
        : `Only ${only}'s text is coloured. Choose ${only} again to colour everyone's.`
  }

  /** While the history shows, the authorship of the live text is out of view, and so is its legend. */
  showHistoryState(open: boolean): void {
    this.#history.setAttribute("aria-pressed", String(open))
    this.#authors.disabled = open
    this.#legend.classList.toggle("legend-away", open)
  }

  focusHistory(): void {
    this.#history.focus()
  }

  /** Offers "changes since your last visit" (or not). */
  offerSinceLastVisit(offered: boolean): void {
    this.#since.hidden = !offered
  }
}

/** Elements separated by " · ". */
function joined(elements: readonly HTMLElement[]): (HTMLElement | string)[] {
  return elements.flatMap((element, i) => (i === 0 ? [element] : [" · ", element]))
}
