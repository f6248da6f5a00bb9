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

  constructor(actions: RecordBarActions) {
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
    this.#legend = h(
      "div",
      { class: "legend", "data-testid": "authorship-legend", "data-state": "off", hidden: true },
      this.#legendNote,
      this.#legendList,
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

  showLegend(entries: readonly LegendEntry[]): void {
    replaceChildren(
      this.#legendList,
      ...entries.map((entry) =>
        h(
          "li",
          { class: "legend-item", "data-name": entry.name, "data-class": entry.cls },
          h("span", { class: `legend-swatch ${entry.cls}`, "aria-hidden": "true" }),
          h("span", { class: "legend-name" }, entry.name),
          h("span", { class: "legend-count" }, `${entry.characters.toLocaleString()} characters`),
        ),
      ),
    )
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
