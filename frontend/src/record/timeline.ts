import type { ChangeSegment, PointInfo } from "../history/protocol.js"
import { h, replaceChildren } from "../ui/dom.js"
import { ChangeView } from "./changeView.js"

/** Who a timeline point or a change belongs to, as the page names and colours people. */
export interface PersonStyle {
  readonly name: string
  readonly cls: string
}

export interface TimelineActions {
  /** Show point `index` (compared with the one before it). */
  readonly showPoint: (index: number) => void
  readonly close: () => void
  readonly refresh: () => void
}

/**
 * The timeline: a slider over the meeting's edit sessions (one per person per minute), the text at
 * the chosen point read-only, and what that session changed. Also shows any other comparison
 * (changes since a visit, a correction) in the same view.
 */
export class Timeline {
  readonly element: HTMLElement
  readonly #slider: HTMLInputElement
  readonly #previous: HTMLButtonElement
  readonly #next: HTMLButtonElement
  readonly #caption: HTMLElement
  readonly #who: HTMLUListElement
  readonly #status: HTMLElement
  readonly #refresh: HTMLButtonElement
  readonly #steps: HTMLElement
  readonly #text: HTMLElement
  readonly #view: ChangeView
  #points: readonly PointInfo[] = []
  #personOf: (point: PointInfo) => PersonStyle = (point) => ({ name: point.person, cls: "author-plain" })

  constructor(actions: TimelineActions) {
    this.#slider = h("input", {
      type: "range",
      min: 0,
      max: 0,
      value: 0,
      class: "timeline-slider",
      "data-testid": "timeline-slider",
      "aria-label": "Point in the history",
    })
    this.#previous = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "timeline-previous" },
      "Earlier",
    )
    this.#next = h("button", { type: "button", class: "button button-small", "data-testid": "timeline-next" }, "Later")
    this.#caption = h("p", { class: "timeline-caption", "data-testid": "timeline-point", "aria-live": "polite" })
    this.#who = h("ul", { class: "legend-list timeline-who", "aria-label": "Who changed what at this point" })
    this.#status = h("p", { class: "timeline-status", role: "status" }, "Reading the history…")
    this.#refresh = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "timeline-refresh", hidden: true },
      "Include the newest edits",
    )
    const close = h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "timeline-close" },
      "Back to the minutes",
    )
    this.#steps = h("div", { class: "timeline-steps" }, this.#previous, this.#slider, this.#next)
    this.#text = h("div", { class: "editor timeline-text", "data-testid": "timeline-text" })
    this.element = h(
      "section",
      { class: "timeline", "data-testid": "timeline", "data-state": "loading", "aria-label": "History of the minutes" },
      // The controls stay in view while the page scrolls to a step's changes.
      h(
        "div",
        { class: "timeline-controls" },
        h("div", { class: "timeline-head" }, h("h2", {}, "History"), this.#refresh, close),
        this.#status,
        this.#steps,
        this.#caption,
      ),
      this.#who,
      this.#text,
    )
    this.#view = new ChangeView(this.#text)

    this.#slider.addEventListener("input", () => actions.showPoint(Number(this.#slider.value)))
    this.#previous.addEventListener("click", () => this.#step(-1, actions))
    this.#next.addEventListener("click", () => this.#step(1, actions))
    close.addEventListener("click", actions.close)
    // Escape leaves the history as it leaves a dialog.
    this.element.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented) return
      event.preventDefault()
      actions.close()
    })
    this.#refresh.addEventListener("click", actions.refresh)
  }

  /** The sessions to step through; the slider starts at the newest. */
  setPoints(points: readonly PointInfo[], personOf: (point: PointInfo) => PersonStyle): void {
    this.#points = points
    this.#steps.hidden = points.length === 0
    this.#slider.max = String(Math.max(0, points.length - 1))
    this.#slider.value = String(Math.max(0, points.length - 1))
    this.#status.textContent =
      points.length === 0
        ? "This meeting has no history yet."
        : `${points.length} edit sessions. Move the slider to go back in time.`
    this.#personOf = personOf
  }

  /** Shows point `index`: its text, and what its session changed. */
  showPoint(
    index: number,
    text: string,
    segments: readonly ChangeSegment[],
    classOf: (actor: string) => PersonStyle,
  ): void {
    const point = this.#points[index]
    if (!point) return
    this.#slider.value = String(index)
    const person = this.#personOf(point)
    const count = `${point.changes.toLocaleString()} ${point.changes === 1 ? "change" : "changes"}`
    // A step without a time is the server's (closing, reopening): no clock to show.
    const caption = point.start
      ? `${person.name} · ${timeRange(point.start, point.end)} · ${count}`
      : `${person.name} · ${count}`
    this.#slider.setAttribute("aria-valuetext", caption)
    // A button that becomes disabled drops the keyboard: the slider, which steps the same, takes it.
    const dropsFocus = (button: HTMLButtonElement, disabled: boolean) => disabled && document.activeElement === button
    const first = index === 0
    const last = index >= this.#points.length - 1
    const refocus = dropsFocus(this.#previous, first) || dropsFocus(this.#next, last)
    this.#previous.disabled = first
    this.#next.disabled = last
    if (refocus) this.#slider.focus()
    this.#show(`Step ${index + 1} of ${this.#points.length}: ${caption}`, text, segments, classOf)
    this.element.dataset.point = String(index)
  }

  /** Shows any comparison (since a visit, a correction) with its own caption; the slider steps aside. */
  showComparison(
    caption: string,
    text: string,
    segments: readonly ChangeSegment[],
    classOf: (actor: string) => PersonStyle,
  ): void {
    this.#steps.hidden = true
    this.#status.textContent = ""
    this.element.dataset.point = ""
    this.#show(caption, text, segments, classOf)
  }

  /** Says why the history cannot be shown; nothing of it stays on screen (no slider over nothing). */
  showFailure(message: string): void {
    this.element.dataset.state = "failed"
    this.#status.textContent = message
    this.#steps.hidden = true
    this.#caption.textContent = ""
    this.#who.replaceChildren()
    this.#text.hidden = true
  }

  /** Whether newer edits exist than the history shown. */
  offerRefresh(offered: boolean): void {
    this.#refresh.hidden = !offered
  }

  text(): string {
    return this.#view.text()
  }

  destroy(): void {
    this.#view.destroy()
  }

  #show(
    caption: string,
    text: string,
    segments: readonly ChangeSegment[],
    classOf: (actor: string) => PersonStyle,
  ): void {
    this.#caption.textContent = caption
    this.#text.hidden = false
    this.#view.show(text, segments, (segment) => classOf(segment.actor).cls)
    replaceChildren(this.#who, ...changeSummary(segments, classOf))
    this.element.dataset.state = "ready"
  }

  #step(delta: number, actions: TimelineActions): void {
    const next = Number(this.#slider.value) + delta
    if (next >= 0 && next < this.#points.length) actions.showPoint(next)
  }
}

/** One line per person who changed something: how much they added and removed. */
function changeSummary(segments: readonly ChangeSegment[], classOf: (actor: string) => PersonStyle): HTMLElement[] {
  const totals = new Map<string, { style: PersonStyle; added: number; removed: number }>()
  for (const segment of segments) {
    if (segment.kind === "kept") continue
    const style = classOf(segment.actor)
    const total = totals.get(style.name) ?? { style, added: 0, removed: 0 }
    if (segment.kind === "added") total.added += segment.text.length
    else total.removed += segment.text.length
    totals.set(style.name, total)
  }
  if (totals.size === 0)
    return [h("li", { class: "legend-item" }, "No change to the text (other parts of the meeting changed).")]
  return [...totals.values()].map(({ style, added, removed }) =>
    h(
      "li",
      { class: "legend-item", "data-name": style.name, "data-class": style.cls },
      h("span", { class: `legend-swatch ${style.cls}`, "aria-hidden": "true" }),
      h("span", { class: "legend-name" }, style.name),
      h(
        "span",
        { class: "legend-count" },
        [added ? `+${added}` : "", removed ? `−${removed}` : ""].filter(Boolean).join(" "),
      ),
    ),
  )
}

function timeRange(start: number, end: number): string {
  const format = (seconds: number): string =>
    new Date(seconds * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
  const first = format(start)
  const last = format(end)
  const day = new Date(start * 1000).toLocaleDateString(undefined, { month: "short", day: "numeric" })
  return first === last ? `${day} ${first}` : `${day} ${first}–${last}`
}
