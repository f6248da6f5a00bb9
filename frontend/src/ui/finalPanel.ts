import { publishedName } from "../text/minutesFile.js"
import type { PublishTarget } from "../types.js"
import { copyButton } from "./copyButton.js"
import { h, replaceChildren } from "./dom.js"
import { saveFile } from "./saveFile.js"

const STATE_WORDS = { pending: "publishing…", delivered: "published", failed: "failed" } as const

/**
 * Shown once the meeting is closed: where the minutes were published, and the final file to copy
 * or download (the minutes themselves show rendered in the preview beside or instead of the editor).
 */
export class FinalPanel {
  readonly element: HTMLElement
  readonly #title: HTMLElement
  readonly #summary: HTMLElement
  readonly #publishing: HTMLElement
  readonly #corrections: HTMLElement
  /** Words this page showed that the final minutes do not hold (typed after the close). */
  readonly #late: HTMLElement
  readonly #text: HTMLPreElement
  readonly #publish: HTMLUListElement
  readonly #download: HTMLButtonElement
  readonly #copy: HTMLButtonElement
  #fileName = "minutes.md"
  /** What the summary says when no error replaces it. */
  #summaryText = ""

  constructor() {
    // Focusable by script only: where the keyboard goes once this page closed the meeting.
    this.#title = h("h2", { id: "final-title", tabindex: -1 }, "Final minutes")
    this.#summary = h("p", { class: "panel-note" }, "Loading the final minutes…")
    this.#text = h("pre", {
      class: "final-text",
      "data-testid": "final-text",
      tabindex: 0,
      "aria-label": "Final minutes",
    })
    this.#publish = h("ul", { class: "publish-list", "data-testid": "publish-status", "aria-live": "polite" })
    this.#download = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "download-final" },
      "Download",
    )
    this.#download.addEventListener("click", () => this.#saveFile())
    this.#copy = copyButton(() => this.#text.textContent ?? "", "Copy the final minutes (Markdown)", "copy-final")
    // Nothing to copy or download until the final file has arrived.
    this.#copy.disabled = true
    this.#download.disabled = true
    this.#publishing = h("div", {}, h("h3", {}, "Publishing"), this.#publish)
    this.#corrections = h("div", { class: "final-corrections" })
    this.#late = h("div", { class: "final-late", "data-testid": "late-edits", role: "status", hidden: true })
    this.element = h(
      "section",
      { class: "panel final", "aria-labelledby": "final-title", "data-testid": "final-panel", hidden: true },
      this.#title,
      this.#summary,
      this.#late,
      this.#publishing,
      h("div", { class: "final-actions" }, this.#copy, this.#download),
      h("details", { class: "final-source" }, h("summary", {}, "Markdown file"), this.#text),
      this.#corrections,
    )
  }

  reveal(closedBy: string, closedAt: string, fileName: string): void {
    this.#setFileName(fileName)
    const when = closedAt ? formatWhen(closedAt) : ""
    this.#title.textContent = "Final minutes"
    this.#setSummary(`Closed${closedBy ? ` by ${closedBy}` : ""}${when ? ` on ${when}` : ""}. This text is final.`)
    this.#publishing.hidden = false
    this.element.hidden = false
  }

  /** Takes the keyboard (the chair's close button is gone with the close). */
  focus(): void {
    this.#title.focus()
  }

  /** Open again for corrections: the panel offers the last published revision, not a final text. */
  showCorrecting(revision: number, fileName: string): void {
    this.#setFileName(fileName)
    this.#title.textContent = "Published minutes"
    this.#setSummary(`Revision ${revision} is the published text until the meeting is closed again.`)
    this.#publishing.hidden = true
    this.element.hidden = false
  }

  /** The corrections part, shown below the final text. */
  showCorrections(part: HTMLElement): void {
    replaceChildren(this.#corrections, part)
  }

  #setFileName(fileName: string): void {
    this.#fileName = fileName
    this.#download.setAttribute("aria-label", `Download ${fileName}`)
  }

  #setSummary(text: string): void {
    this.#summaryText = text
    this.#summary.textContent = text
  }

  showText(markdown: string): void {
    this.#summary.textContent = this.#summaryText || this.#summary.textContent
    this.#text.textContent = markdown
    this.#copy.disabled = false
    this.#download.disabled = false
  }

  /** Lists what this page showed beyond the final minutes, with a way to keep it. */
  showLateEdits(stretches: readonly string[]): void {
    const text = stretches.join("\n…\n")
    replaceChildren(
      this.#late,
      h("h3", {}, "Not in the final minutes"),
      h(
        "p",
        { class: "panel-note" },
        "This page showed words that are not in the final minutes: typed after the meeting was closed, or still on their way when it was. Only this browser holds them, not the meeting: if the chair reopens it for a correction, they come back where they were typed while this page is open, or when you open it again in this browser. Copy them to keep them anywhere else:",
      ),
      h("pre", { class: "final-text", "data-testid": "late-edits-text", tabindex: 0 }, text),
      h(
        "div",
        { class: "final-actions" },
        copyButton(() => text, "Copy the words not in the final minutes", "copy-late"),
      ),
    )
    this.#late.hidden = false
  }

  showTextError(message: string): void {
    this.#text.textContent = ""
    this.#summary.textContent = message
  }

  /** Nothing more will change here (test hook `data-watch="ended"`): the page stopped asking. */
  watchEnded(): void {
    this.element.dataset.watch = "ended"
  }

  showPublish(targets: readonly PublishTarget[]): void {
    // The file is named as published: `<date>-2.md` when another meeting had the date, and a
    // download under the bare date would replace that meeting's minutes wherever it is uploaded.
    const published = targets.map((target) => publishedName(target)).find((name) => name.endsWith(".md"))
    if (published) this.#setFileName(published)
    if (targets.length === 0) {
      replaceChildren(
        this.#publish,
        h("li", { "data-state": "pending" }, "Waiting for the server to start publishing…"),
      )
      return
    }
    // A page several targets published (the docs site's folder and its webhook) is linked once,
    // and only once it is there.
    const linked = new Set<string>()
    const items = targets.map((target) => {
      const link = target.state === "delivered" && target.url && !linked.has(target.url)
      if (link && target.url) linked.add(target.url)
      return publishItem(target, link || !target.url || !isWebAddress(target.url))
    })
    replaceChildren(this.#publish, ...items)
  }

  #saveFile(): void {
    saveFile(new Blob([this.#text.textContent ?? ""], { type: "text/markdown" }), this.#fileName)
  }
}

/** One target's state; `showWhere`: with where the minutes went (a link, a file's name). */
function publishItem(target: PublishTarget, showWhere: boolean): HTMLLIElement {
  const words = STATE_WORDS[target.state] ?? target.state
  const details: (string | Node)[] = []
  if (target.state === "delivered" && target.deliveredAt) details.push(` on ${formatWhen(target.deliveredAt)}`)
  if (target.state !== "delivered" && target.attempts > 0) {
    details.push(` (${target.attempts} ${target.attempts === 1 ? "attempt" : "attempts"})`)
  }
  if (target.state === "pending" && target.attempts > 0 && target.nextAttemptAt) {
    details.push(`, trying again at ${formatWhen(target.nextAttemptAt, { timeStyle: "short" })}`)
  }
  const where = showWhere ? publishedWhere(target) : null
  return h(
    "li",
    { class: "publish-item", "data-target": target.target, "data-state": target.state },
    h("span", { class: "publish-target" }, target.target),
    ": ",
    h("span", { class: "publish-state" }, words),
    ...details,
    where ? h("span", { class: "publish-where" }, " ", where) : null,
    target.lastError && target.state !== "delivered"
      ? h("span", { class: "publish-error", title: target.lastError }, `${deliveryProblem(target.lastError)}.`)
      : null,
  )
}

/**
 * What went wrong with a delivery, in words for the people in the meeting: the server's record
 * (`lastError`, e.g. "request to docs.example.org failed: finishConnect(..) failed with error(-111):
 * Connection refused") is for operators, and stays in the tooltip.
 */
export function deliveryProblem(lastError: string): string {
  // A delivery given up on keeps its last attempt's error after the count: the page says both.
  const gaveUp = /^gave up after (\d+) attempts[^;]*; last: ([\s\S]*)$/.exec(lastError)
  if (gaveUp) {
    return `${attemptProblem(gaveUp[2] ?? "")}; no more attempts after ${gaveUp[1]}: the server's operator can retry it`
  }
  return attemptProblem(lastError)
}

function attemptProblem(lastError: string): string {
  const status = /^HTTP (\d{3})/.exec(lastError)
  if (status) return `The receiver answered with status ${status[1]}`
  const request = /^request to (\S+) (timed out|failed)/.exec(lastError)
  if (request?.[2] === "timed out") return `${request[1]} did not answer in time`
  if (request) return `${request[1]} could not be reached`
  if (lastError.startsWith("cannot write")) return "The file could not be written"
  return "The delivery failed"
}

/**
 * Where the minutes were published, for people: the docs site's page when the server knows it
 * (`url`, with MINUTES_PUBLISHED_URL set), else the file's name; never a path on the server.
 */
function publishedWhere(target: PublishTarget): HTMLElement | null {
  if (target.url && isWebAddress(target.url)) {
    return h(
      "a",
      {
        href: target.url,
        class: "publish-link",
        "data-testid": "published-link",
        target: "_blank",
        rel: "noopener noreferrer",
      },
      "Open the published minutes",
    )
  }
  const name = publishedName(target)
  return name ? h("code", { class: "publish-path", "data-testid": "published-link" }, name) : null
}

function isWebAddress(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** A server time for people; `style` says how much of it (the date and the time by default). */
export function formatWhen(
  iso: string,
  style: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString(undefined, style)
}
