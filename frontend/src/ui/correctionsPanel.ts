import {
  type Correction,
  changeSummary,
  closedWords,
  type DiffLine,
  type LineComparison,
} from "../corrections/correctionModel.js"
import { h, replaceChildren } from "./dom.js"

/** What each kind of line says, to eyes (the sign) and to screen readers (the label), not by colour alone. */
const LINE_MARKS = {
  added: { sign: "+", label: "Added line" },
  removed: { sign: "−", label: "Removed line" },
  kept: { sign: " ", label: "Unchanged line" },
} as const

export interface CorrectionsActions {
  /** Saves published revision `n` as a file. */
  download(revision: number): void
  /** The live comparison was opened: compute it now. */
  liveOpened(): void
}

/**
 * The "Corrections" part of the final panel: for each correction, who closed it and when, what it
 * changed against the revision before (a line diff), and the two published files; while the
 * meeting is open again, a note that it is being corrected and what changed since the last
 * published revision.
 */
export class CorrectionsPanel {
  readonly element: HTMLElement
  readonly #correcting: HTMLElement
  readonly #correctingNote: HTMLElement
  readonly #live: HTMLDetailsElement
  readonly #liveSummary: HTMLElement
  readonly #liveBody: HTMLElement
  readonly #list: HTMLOListElement
  readonly #status: HTMLElement
  readonly #actions: CorrectionsActions

  constructor(actions: CorrectionsActions) {
    this.#actions = actions
    this.#correctingNote = h("p", { class: "corrections-correcting", "data-testid": "being-corrected" })
    this.#liveSummary = h("summary", {})
    this.#liveBody = h("div", { class: "corrections-live-body" })
    this.#live = h(
      "details",
      { class: "corrections-live", "data-testid": "live-changes" },
      this.#liveSummary,
      this.#liveBody,
    )
    this.#live.addEventListener("toggle", () => {
      if (this.#live.open) actions.liveOpened()
    })
    this.#correcting = h("div", { hidden: true }, this.#correctingNote, this.#live)
    this.#status = h("p", { class: "panel-note", "aria-live": "polite" })
    this.#list = h("ol", { class: "correction-list", "data-testid": "correction-list" })
    this.element = h(
      "section",
      { class: "corrections", "aria-labelledby": "corrections-title", "data-testid": "corrections", hidden: true },
      h("h3", { id: "corrections-title" }, "Corrections"),
      this.#correcting,
      this.#status,
      this.#list,
    )
  }

  /** The meeting is open again after publishing `revision`: say so, offer the live comparison. */
  showCorrecting(revision: number): void {
    this.#correctingNote.textContent =
      `Being corrected: the chair reopened the minutes after revision ${revision}. ` +
      `Closing them again publishes revision ${revision + 1}.`
    this.#liveSummary.textContent = `What changed since revision ${revision}`
    this.#correcting.hidden = false
    this.element.hidden = false
  }

  /** Closed again: the live comparison has nothing left to compare. */
  endCorrecting(): void {
    this.#correcting.hidden = true
    this.#live.open = false
  }

  get liveOpen(): boolean {
    return !this.#correcting.hidden && this.#live.open
  }

  /** The live text against the last published revision. */
  showLive(revision: number, comparison: LineComparison): void {
    replaceChildren(
      this.#liveBody,
      h("p", { class: "correction-summary", "data-testid": "live-summary" }, `${changeSummary(comparison)}.`),
      diffView(comparison, `Changes since revision ${revision}`),
    )
  }

  showLiveError(message: string): void {
    replaceChildren(this.#liveBody, h("p", { class: "panel-note" }, message))
  }

  /** The published corrections, newest first. */
  showCorrections(corrections: readonly Correction[], formatWhen: (iso: string) => string): void {
    this.#status.textContent = ""
    replaceChildren(this.#list, ...corrections.map((correction) => this.#correctionItem(correction, formatWhen)))
    if (corrections.length > 0) this.element.hidden = false
  }

  showError(message: string): void {
    this.#status.textContent = message
    this.element.hidden = false
  }

  #correctionItem(correction: Correction, formatWhen: (iso: string) => string): HTMLLIElement {
    const { revision, previous, comparison } = correction
    const titleId = `correction-${revision}-title`
    return h(
      "li",
      { class: "correction", "data-revision": revision, "aria-labelledby": titleId },
      h("h4", { id: titleId }, `Revision ${revision}`),
      h(
        "p",
        { class: "correction-summary" },
        `${closedWords(correction.by, correction.at, formatWhen)}. `,
        `Against revision ${previous}: ${changeSummary(comparison).toLowerCase()}.`,
      ),
      h("div", { class: "correction-files" }, this.#downloadButton(revision), this.#downloadButton(previous)),
      diffView(comparison, `Changes from revision ${previous} to revision ${revision}`),
    )
  }

  #downloadButton(revision: number): HTMLButtonElement {
    const button = h(
      "button",
      {
        type: "button",
        class: "button button-small",
        "data-testid": `download-revision-${revision}`,
        // The visible words start the spoken name (WCAG 2.5.3: a voice user says what they see).
        "aria-label": `Revision ${revision} file: download it as published`,
      },
      `Revision ${revision} file`,
    )
    button.addEventListener("click", () => this.#actions.download(revision))
    return button
  }
}

/**
 * A line diff people can read without colour: each changed line carries a sign (+ or −) and, for
 * screen readers, its kind in words; unchanged stretches are folded to a count.
 */
export function diffView(comparison: LineComparison, label: string): HTMLElement {
  const view = h("div", { class: "diff", role: "group", "aria-label": label, "data-testid": "diff" })
  if (comparison.hunks.length === 0) {
    view.append(h("p", { class: "diff-fold" }, "The text is the same."))
    return view
  }
  for (const hunk of comparison.hunks) {
    if (hunk.skipped > 0) view.append(fold(hunk.skipped))
    view.append(h("ol", { class: "diff-hunk" }, ...hunk.lines.map((line) => diffLine(line))))
  }
  if (comparison.skippedAfter > 0) view.append(fold(comparison.skippedAfter))
  return view
}

function fold(count: number): HTMLElement {
  return h("p", { class: "diff-fold" }, `… ${count} unchanged ${count === 1 ? "line" : "lines"}`)
}

function diffLine(line: DiffLine): HTMLLIElement {
  const mark = LINE_MARKS[line.kind]
  return h(
    "li",
    { class: `diff-line diff-${line.kind}`, "data-kind": line.kind },
    h("span", { class: "diff-sign", "aria-hidden": "true" }, mark.sign),
    h("span", { class: "visually-hidden" }, `${mark.label}: `),
    h(
      "span",
      { class: "diff-text" },
      line.text === "" ? h("span", { class: "visually-hidden" }, "(empty)") : line.text,
    ),
  )
}
