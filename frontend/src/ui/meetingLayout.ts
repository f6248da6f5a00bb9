import type { Role } from "../types.js"
import { afterNextPaint, h, inPageLink, replaceChildren } from "./dom.js"
import { ErrorBanner } from "./errorBanner.js"
import type { ViewMode } from "./viewModes.js"

export interface MeetingParts {
  readonly indicator: HTMLElement
  readonly announcer: HTMLElement
  readonly people: HTMLElement
  readonly outline: HTMLElement
  readonly actionItems: HTMLElement
  readonly finalPanel: HTMLElement
  readonly closeDialog: HTMLDialogElement
  readonly preview: HTMLElement
  readonly viewSwitch: HTMLElement
  /** The record's toolbar (authorship, history) above the editor. */
  readonly record: HTMLElement
}

const ROLE_LABEL: Record<Role, string> = { chair: "Chair", editor: "Editor", viewer: "Viewer" }

/** Banner topic of "the server cannot be reached", cleared once the socket is connected. */
export const UNREACHABLE = "unreachable"

/**
 * The meeting page's frame. On a wide screen the editor sits beside a column of panels; on a
 * phone everything stacks with the editor first. Document order is reading order, so keyboard
 * and screen reader users meet the same sequence.
 */
export class MeetingLayout {
  readonly banner = new ErrorBanner()
  readonly editorHost: HTMLElement
  readonly #subject: HTMLElement
  readonly #date: HTMLElement
  readonly #description: HTMLElement
  readonly #role: HTMLElement
  readonly #readOnly: HTMLElement
  readonly #namePromptSlot: HTMLElement
  readonly #chairPanel: HTMLElement
  readonly #loading: HTMLElement
  readonly #workspace: HTMLElement
  readonly #panes: HTMLElement
  readonly #historySlot: HTMLElement
  /** Whether a date was formatted on this page yet: the first one loads the locale's data. */
  #datesFormatted = false

  constructor(root: HTMLElement, parts: MeetingParts) {
    this.#subject = h("h1", { class: "meeting-subject", "data-testid": "meeting-subject" }, "Loading the meeting…")
    this.#date = h("p", { class: "meeting-date", "data-testid": "meeting-date" })
    this.#description = h("p", { class: "meeting-description", "data-testid": "meeting-description", hidden: true })
    this.#role = h("span", { class: "badge", "data-testid": "role-badge", hidden: true })
    this.#readOnly = h("span", { class: "badge badge-readonly", "data-testid": "readonly-badge", hidden: true })
    this.#loading = h("p", { class: "editor-loading", role: "status" }, "Loading the minutes…")
    // The `editor` test hook is given once the editor is bound to the document (editorReady):
    // until then typing would go nowhere, and tests and people must not start writing.
    this.editorHost = h("div", { class: "editor", id: "editor", "aria-busy": "true" }, this.#loading)
    this.#namePromptSlot = h("div", { class: "name-slot" })
    this.#chairPanel = h("section", { class: "panel chair", "aria-labelledby": "chair-title", hidden: true })
    this.#historySlot = h("div", { class: "history-slot", hidden: true })

    const header = h(
      "header",
      { class: "topbar" },
      h("a", { class: "brand", href: "/" }, "minutes"),
      h("div", { class: "meeting-heading" }, this.#subject, this.#date, this.#description),
      h("div", { class: "topbar-status" }, this.#role, this.#readOnly, parts.indicator, parts.announcer),
    )
    this.#panes = h(
      "div",
      { class: "panes" },
      h("div", { class: "pane pane-editor" }, this.editorHost),
      h("div", { class: "pane pane-preview" }, parts.preview),
    )
    this.#workspace = h(
      "section",
      { class: "editor-pane", "aria-label": "Minutes", "data-view": "edit" },
      h("div", { class: "pane-toolbar" }, jumpLinks(), parts.record, parts.viewSwitch),
      this.#panes,
      this.#historySlot,
    )
    const main = h(
      "main",
      { class: "meeting-layout", id: "main" },
      this.#workspace,
      h(
        "aside",
        { class: "side", "aria-label": "Meeting tools" },
        parts.finalPanel,
        this.#chairPanel,
        panel("people-title", "Here now", this.#namePromptSlot, parts.people),
        panel("outline-title", "Outline", parts.outline),
        panel("actions-title", "Action items", parts.actionItems),
      ),
    )
    keepInSight(parts.indicator, header)
    const skip = inPageLink("main", "skip-link", "Skip to the minutes", () => this.#focusText())
    replaceChildren(root, skip, header, this.banner.element, main, parts.closeDialog)
  }

  /**
   * "Skip to the minutes" puts the keyboard in the text, where a person skipping the top bar wants
   * to type; with the text not shown (the history, the preview alone) or read-only, the link goes to the
   * main region.
   */
  #focusText(): boolean {
    const text = this.editorHost.querySelector<HTMLElement>(".cm-content")
    // A read-only text (a viewer, a closed meeting) cannot take the keyboard.
    if (!text?.isContentEditable || text.getClientRects().length === 0) return false
    text.focus()
    return document.activeElement === text
  }

  showMeta(subject: string, date: string, description: string): void {
    this.#subject.textContent = subject || "Untitled meeting"
    if (this.#date.dataset.date !== date) this.#showDate(date)
    this.#description.textContent = description
    this.#description.hidden = description === ""
    document.title = subject ? `${subject} · minutes` : "minutes"
  }

  #showDate(date: string): void {
    this.#date.dataset.date = date
    if (this.#datesFormatted || !date) {
      this.#date.textContent = date ? formatDate(date) : ""
      return
    }
    // The browser's first formatted date loads its locale data (about 40 ms): not before the
    // minutes are painted. Until then the plain date keeps the line's place, unseen.
    this.#date.textContent = date
    this.#date.classList.add("meeting-date-pending")
    afterNextPaint(() => {
      this.#datesFormatted = true
      this.#date.classList.remove("meeting-date-pending")
      this.#showDate(this.#date.dataset.date ?? "")
    })
  }

  /** Which of editor and preview show: `edit`, `split` (side by side, stacked on phones) or `preview`. */
  showView(mode: ViewMode): void {
    this.#workspace.dataset.view = mode
  }

  showRole(role: Role): void {
    this.#role.textContent = ROLE_LABEL[role]
    this.#role.dataset.role = role
    this.#role.hidden = false
  }

  showReadOnly(label: string | null): void {
    this.#readOnly.hidden = label === null
    this.#readOnly.textContent = label ?? ""
  }

  showNamePrompt(prompt: HTMLElement): void {
    replaceChildren(this.#namePromptSlot, prompt)
  }

  /** Shows the history instead of the editor (which stays live underneath), or the editor again. */
  showHistory(history: HTMLElement | null): void {
    replaceChildren(this.#historySlot, history)
    this.#historySlot.hidden = history === null
    this.#panes.hidden = history !== null
  }

  /**
   * The stored text shows while the meeting's document loads: read-only, or `editable` when the
   * person may type into it already (then nothing is busy for them to wait for).
   */
  editorShown(editable: boolean): void {
    this.#loading.remove()
    this.editorHost.dataset.testid = "editor-loading"
    if (editable) this.editorHost.removeAttribute("aria-busy")
  }

  /** The editor is bound to the document: editable, unless the role or the meeting forbid it. */
  editorReady(): void {
    this.#loading.remove()
    this.editorHost.dataset.testid = "editor"
    this.editorHost.removeAttribute("aria-busy")
  }

  /** The chair's panel: the meeting's details to edit, and the close control. */
  showChairControls(details: HTMLElement, onClose: () => void): void {
    const button = h(
      "button",
      { type: "button", class: "button button-danger", "data-testid": "close-button" },
      "Close the meeting…",
    )
    button.addEventListener("click", onClose)
    replaceChildren(
      this.#chairPanel,
      h("h2", { id: "chair-title" }, "Chair"),
      details,
      h("h3", {}, "Closing"),
      h(
        "p",
        { class: "panel-note" },
        "When the meeting is over, close it: the minutes become final and are published.",
      ),
      button,
    )
    this.#chairPanel.hidden = false
  }

  /** The chair's panel once the meeting is closed, with what the chair may still do (`actions`). */
  /** `nextCall`: the series' overview, when this is a call of a series opened through its link. */
  showClosedChairControls(actions: HTMLElement, nextCall: string | null = null): void {
    if (this.#chairPanel.hidden) return
    replaceChildren(
      this.#chairPanel,
      h("h2", { id: "chair-title" }, "Chair"),
      h("p", { class: "panel-note" }, "The meeting is closed."),
      actions,
      nextCall
        ? h(
            "p",
            { class: "next-call" },
            h("a", { class: "button", href: nextCall, "data-testid": "next-call-link" }, "Start the next call…"),
          )
        : null,
    )
  }
}

/**
 * On a phone the panels come after the whole text, thousands of pixels down: links to them above
 * the text (style.css shows them on narrow screens only).
 */
function jumpLinks(): HTMLElement {
  const link = (id: string, label: string) => inPageLink(id, "jump-link", label)
  return h(
    "nav",
    { class: "jump-links", "aria-label": "Meeting tools" },
    link("people-title", "Here now"),
    link("outline-title", "Outline"),
    link("actions-title", "Action items"),
  )
}

/**
 * "offline" must stay in sight while a person writes far down the text: once the top bar has
 * scrolled away, the indicator floats in the corner (`data-away`, style.css) while it says
 * something other than saved or saving.
 */
function keepInSight(indicator: HTMLElement, topbar: HTMLElement): void {
  if (typeof IntersectionObserver === "undefined") return
  // Away as soon as part of the bar is: on a phone the indicator sits low in a bar that wraps.
  new IntersectionObserver(
    (entries) => {
      for (const entry of entries) indicator.toggleAttribute("data-away", entry.intersectionRatio < 1)
    },
    { threshold: 1 },
  ).observe(topbar)
}

function panel(id: string, title: string, ...content: HTMLElement[]): HTMLElement {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...content)
}

function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return date
  const value = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return value.toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" })
}
