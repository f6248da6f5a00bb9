import "./series.css"
import { ApiError, type MinutesApi } from "./api.js"
import { storedName } from "./identity.js"
import { seriesCallLink, seriesLink } from "./links.js"
import { localDate } from "./localDate.js"
import { MeetingPage } from "./meeting/meetingPage.js"
import { actionsByOwner, chartPoints, onePerPage, statusWords } from "./seriesModel.js"
import { withoutEscapes } from "./text/markdownLines.js"
import type { CallCreated, SeriesCall, SeriesInfo } from "./types.js"
import { h, inPageLink, keepingFocus, replaceChildren, uniqueId } from "./ui/dom.js"
import { openingProblem } from "./ui/openingProblem.js"
import { showProblemPage } from "./ui/problemPage.js"
import { reopenControl } from "./ui/reopenControl.js"
import { seriesChart } from "./ui/seriesChart.js"

export interface SeriesRoute {
  readonly seriesId: string
  readonly token: string
  /** Show the list of calls even while a call is in progress. */
  readonly overview: boolean
  /** Open this call of the series (any, open or closed) instead. */
  readonly call?: string
}

/**
 * A series link (`/s/<id>#token=…`): the call in progress when there is one, so the link in the
 * calendar invitation always opens the right minutes; otherwise, or on `/s/<id>/calls`, the
 * series' overview: its calls with their published minutes, the action items still open, a chart
 * of attendance and actions, and for the chair starting the next call or reopening one.
 */
export class SeriesPage {
  readonly #root: HTMLElement
  readonly #route: SeriesRoute
  readonly #api: MinutesApi
  readonly #main: HTMLElement
  readonly #heading: HTMLElement
  readonly #subheading: HTMLElement
  readonly #role: HTMLElement
  readonly #started: HTMLElement
  /** What the overview shows now, to redraw only when the series changed. */
  #shown: string | null = null
  #refreshing: ReturnType<typeof setInterval> | null = null
  /** The call opened by the series link has closed here; the next one is looked for. */
  #watchingForNextCall = false
  /** Every call listed, not only the newest {@link CALLS_SHOWN}. */
  #allCalls = false

  constructor(root: HTMLElement, route: SeriesRoute, api: MinutesApi) {
    this.#root = root
    this.#route = route
    this.#api = api
    this.#heading = h("h1", { class: "meeting-subject", "data-testid": "series-title" }, "Loading the series…")
    this.#subheading = h("p", { class: "meeting-date" })
    this.#role = h("span", { class: "badge", "data-testid": "role-badge", hidden: true })
    this.#main = h("main", { class: "series", id: "main" })
    this.#started = h("div", { class: "series-started", "aria-live": "polite" })
  }

  async start(): Promise<void> {
    const info = await this.#load()
    if (!info) return
    const chosen = info.meetings.find((call) => call.id === this.#route.call)
    if (chosen) {
      this.#openCall(info, chosen.id)
      return
    }
    if (this.#route.call) {
      // A mistyped link, or a call of another series: never open the call in progress instead,
      // where the person would type into minutes they did not ask for.
      showProblemPage(this.#root, {
        title: "This call is not part of the series.",
        detail: `The link may be mistyped, or name a call of another series. The calls of “${info.title}” are listed on its page.`,
        next: { href: seriesLink(this.#route.seriesId, this.#route.token, true), label: `All calls of ${info.title}` },
      })
      return
    }
    if (info.current && !this.#route.overview) {
      this.#openCall(info, info.current, true)
      return
    }
    this.#show(info)
  }

  /**
   * A call, with a way back to the series from the meeting's top bar. The call in progress
   * (`inProgress`: opened by the series link) once closed watches for the next one.
   */
  #openCall(info: SeriesInfo, meetingId: string, inProgress = false): void {
    this.#stopRefreshing()
    const overview = seriesLink(this.#route.seriesId, this.#route.token, true)
    const page = new MeetingPage(
      this.#root,
      {
        meetingId,
        token: this.#route.token,
        seriesOverview: overview,
        seriesCall: seriesCallLink(this.#route.seriesId, meetingId, this.#route.token),
      },
      this.#api,
      inProgress ? () => this.#watchForNextCall(meetingId) : undefined,
    )
    this.#root.querySelector(".topbar .brand")?.after(
      h(
        "a",
        {
          class: "series-nav",
          href: overview,
          "data-testid": "series-overview-link",
        },
        `All calls of ${info.title}`,
      ),
    )
    void page.start()
  }

  /**
   * The call in progress closed on this page. People keep the invitation's link open from week to
   * week: once the chair starts the next call, the top bar says so, with a link to it.
   */
  #watchForNextCall(closedId: string): void {
    if (this.#watchingForNextCall) return
    this.#watchingForNextCall = true
    const timer = setInterval(async () => {
      if (document.visibilityState !== "visible") return
      const info = await this.#fetch()
      if (!info?.current || info.current === closedId || !this.#watchingForNextCall) return
      this.#watchingForNextCall = false
      clearInterval(timer)
      this.#offerNextCall(info, info.current)
    }, REFRESH_MS)
  }

  #offerNextCall(info: SeriesInfo, meetingId: string): void {
    const date = info.meetings.find((call) => call.id === meetingId)?.date
    const link = h(
      "a",
      {
        class: "series-nav series-next-call",
        href: seriesCallLink(this.#route.seriesId, meetingId, this.#route.token),
        "data-testid": "series-next-call",
      },
      `The next call${date ? ` (${date})` : ""} has started: open it`,
    )
    this.#root.querySelector("[data-testid=series-overview-link]")?.after(h("span", { role: "status" }, link))
  }

  async #load(): Promise<SeriesInfo | null> {
    this.#frame()
    try {
      return await this.#api.series(this.#route.seriesId, this.#route.token)
    } catch (error) {
      if (!(error instanceof ApiError)) console.error("Loading the series failed", error)
      // The same page as for a meeting that cannot be opened: what happened, and a way back.
      showProblemPage(this.#root, openingProblem(error, "series"))
      return null
    }
  }

  #frame(): void {
    replaceChildren(
      this.#root,
      inPageLink("main", "skip-link", "Skip to the content"),
      h(
        "header",
        { class: "topbar" },
        h("a", { class: "brand", href: "/" }, "minutes"),
        h("div", { class: "meeting-heading" }, this.#heading, this.#subheading),
        h("div", { class: "topbar-status" }, this.#role),
      ),
      this.#main,
    )
  }

  #show(info: SeriesInfo): void {
    this.#shown = JSON.stringify(info)
    this.#keepFresh()
    document.title = `${info.title} · minutes`
    this.#heading.textContent = info.title
    this.#subheading.textContent = info.cadenceDays === 7 ? "A weekly call" : `A call every ${info.cadenceDays} days`
    this.#role.textContent = info.role.charAt(0).toUpperCase() + info.role.slice(1)
    this.#role.dataset.role = info.role
    this.#role.hidden = false
    replaceChildren(
      this.#main,
      this.#currentCard(info),
      this.#callsCard(info),
      this.#actionsCard(info),
      this.#chartCard(info),
    )
  }

  async #reload(): Promise<void> {
    const info = await this.#fetch()
    if (info) this.#show(info)
  }

  async #fetch(): Promise<SeriesInfo | null> {
    try {
      return await this.#api.series(this.#route.seriesId, this.#route.token)
    } catch (error) {
      console.error("Reloading the series failed", error)
      return null
    }
  }

  /**
   * People leave the overview open (a second screen, a tab): it follows what the chair does
   * elsewhere, a call started or closed, minutes published, while the page is in sight.
   */
  #keepFresh(): void {
    if (this.#refreshing !== null) return
    this.#refreshing = setInterval(() => void this.#refreshIfChanged(), REFRESH_MS)
    document.addEventListener("visibilitychange", this.#onVisible)
  }

  readonly #onVisible = (): void => {
    if (document.visibilityState === "visible") void this.#refreshIfChanged()
  }

  #stopRefreshing(): void {
    if (this.#refreshing !== null) clearInterval(this.#refreshing)
    this.#refreshing = null
    document.removeEventListener("visibilitychange", this.#onVisible)
  }

  async #refreshIfChanged(): Promise<void> {
    if (document.visibilityState !== "visible" || this.#busy()) return
    const info = await this.#fetch()
    if (info && JSON.stringify(info) !== this.#shown && !this.#busy() && this.#refreshing !== null) {
      // A link or button that had the keyboard has it again after (a keyboard or screen reader user stays put).
      keepingFocus(this.#main, focusKeyOf, () => this.#show(info))
    }
  }

  /** Someone is in the middle of something here (a dialog, a form field): not under their hands. */
  #busy(): boolean {
    const active = document.activeElement
    return (
      this.#main.querySelector("dialog[open]") !== null ||
      ((active instanceof HTMLInputElement ||
        active instanceof HTMLTextAreaElement ||
        active instanceof HTMLSelectElement) &&
        this.#main.contains(active))
    )
  }

  #currentCard(info: SeriesInfo): HTMLElement {
    const card = h(
      "section",
      { class: "card", "aria-labelledby": "current-title", "data-testid": "series-current" },
      h("h2", { id: "current-title" }, "Now"),
    )
    const current = info.meetings.find((call) => call.id === info.current)
    if (current && this.#started.hasChildNodes()) {
      // Just started from this page: what the server decided, and its one link to the call.
      card.append(this.#started)
      return card
    }
    if (current) {
      card.append(
        h("p", {}, `The call of ${formatDate(current.date)} is in progress.`),
        h("p", {}, this.#callLink("open-current-call")),
      )
      return card
    }
    // What this page said of a call started earlier is over: that call is closed.
    replaceChildren(this.#started)
    card.append(h("p", {}, info.meetings.length === 0 ? "No call has been held yet." : "No call is in progress."))
    if (info.role === "chair") card.append(this.#startForm(info))
    // Someone who opened the invitation's link early: nothing to do but wait, and this page follows.
    else card.append(h("p", { "data-testid": "series-waiting" }, "When the chair starts the call, it shows here."))
    card.append(this.#started)
    return card
  }

  #startForm(info: SeriesInfo): HTMLElement {
    const dateId = uniqueId("call-date")
    const date = h("input", {
      id: dateId,
      type: "date",
      "data-testid": "start-call-date",
      "aria-describedby": `${dateId}-note`,
    })
    const submit = h(
      "button",
      { type: "submit", class: "button button-primary", "data-testid": "start-call" },
      info.meetings.length === 0 ? "Start the first call" : "Start the next call",
    )
    const error = h("p", { class: "form-error", role: "alert", hidden: true })
    const form = h(
      "form",
      { class: "start-call" },
      h(
        "div",
        { class: "field" },
        h("label", { for: dateId }, "Date (optional)"),
        h(
          "p",
          { id: `${dateId}-note`, class: "field-note" },
          info.meetings.length === 0
            ? "Empty: today, where you are."
            : `Empty: the date the last minutes give for the next call, else ${info.cadenceDays} days after the last call.`,
        ),
        date,
      ),
      error,
      h("div", { class: "form-actions" }, submit),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      submit.disabled = true
      error.hidden = true
      this.#api
        .startCall(
          info.id,
          this.#route.token,
          date.value || (info.meetings.length === 0 ? localDate(new Date()) : null),
        )
        .then((created) => {
          this.#showStarted(created)
          return this.#reload()
        })
        .catch(async (failure: unknown) => {
          // Started meanwhile from another tab or by another chair: show that call, not a refusal.
          const now = failure instanceof ApiError && failure.status === 409 ? await this.#fetch() : null
          const current = now?.meetings.find((call) => call.id === now.current)
          if (now && current) {
            this.#showAlreadyOpen(current)
            this.#show(now)
            return
          }
          error.textContent = failure instanceof Error ? failure.message : "The call could not be started."
          error.hidden = false
        })
        .finally(() => {
          submit.disabled = false
        })
    })
    return form
  }

  /** A start refused because a call is open already (started elsewhere since this page looked). */
  #showAlreadyOpen(current: SeriesCall): void {
    replaceChildren(
      this.#started,
      h(
        "div",
        { class: "started", role: "status", "data-testid": "start-call-result" },
        h("p", {}, h("strong", {}, `The call of ${formatDate(current.date)} is open already.`)),
        h("p", {}, "It was started from another page meanwhile; close it before starting the next one."),
        h("p", {}, this.#callLink("open-started-call")),
      ),
    )
  }

  /** The started call, and what the server decided otherwise than the minutes said. */
  #showStarted(created: CallCreated): void {
    replaceChildren(
      this.#started,
      h(
        "div",
        { class: "started", role: "status", "data-testid": "start-call-result" },
        h("p", {}, h("strong", {}, `The call of ${formatDate(created.date)} is open.`)),
        created.notes.length > 0
          ? h(
              "ul",
              { class: "notes", "data-testid": "start-call-notes" },
              ...created.notes.map((note) => h("li", {}, note)),
            )
          : null,
        h("p", {}, this.#callLink("open-started-call")),
      ),
    )
  }

  /**
   * "Open the call": the series link, which opens the call in progress. When that is this very
   * address (a link differing only after "#" loads nothing), the page opens the call in place.
   */
  #callLink(testId: string): HTMLAnchorElement {
    const href = seriesLink(this.#route.seriesId, this.#route.token, false)
    const link = h("a", { class: "button button-primary", href, "data-testid": testId }, "Open the call")
    link.addEventListener("click", (event) => {
      if (new URL(href, window.location.href).pathname !== window.location.pathname) return
      event.preventDefault()
      void this.start()
    })
    return link
  }

  #callsCard(info: SeriesInfo): HTMLElement {
    const card = h(
      "section",
      { class: "card", "aria-labelledby": "calls-title" },
      h("h2", { id: "calls-title" }, "Calls"),
    )
    if (info.meetings.length === 0) {
      card.append(h("p", { class: "panel-note" }, "The calls of this series will be listed here, newest first."))
      return card
    }
    // A weekly series runs for years: the newest calls first, the rest on asking.
    const shown = this.#allCalls ? info.meetings : info.meetings.slice(0, CALLS_SHOWN)
    card.append(
      h(
        "ol",
        { class: "call-list", reversed: true, start: String(info.meetings.length) },
        ...shown.map((call) => this.#callItem(info, call)),
      ),
    )
    if (shown.length < info.meetings.length) {
      const more = h(
        "button",
        { type: "button", class: "button", "data-testid": "show-all-calls" },
        `Show all ${info.meetings.length} calls`,
      )
      more.addEventListener("click", () => {
        this.#allCalls = true
        this.#show(info)
        // The keyboard goes on where the list went on.
        this.#main.querySelectorAll<HTMLElement>("[data-testid=series-call] a.call-date")[CALLS_SHOWN]?.focus()
      })
      card.append(more)
    }
    return card
  }

  #callItem(info: SeriesInfo, call: SeriesCall): HTMLElement {
    const published = onePerPage(call.published).map((copy) => {
      // A file name or a link alone would look delivered: say so while it is not.
      const notYet =
        copy.state === "delivered"
          ? null
          : h("span", { class: "publish-state", "data-state": copy.state }, ` (${NOT_DELIVERED[copy.state]})`)
      if (copy.url) {
        return h(
          "span",
          { class: "publish-where", "data-target": copy.target },
          h(
            "a",
            { class: "publish-link", href: copy.url, "data-testid": "published-link" },
            `Published minutes${copy.path ? ` (${copy.path})` : ""}`,
          ),
          notYet,
        )
      }
      return h(
        "span",
        { class: "publish-where", "data-target": copy.target },
        `${copy.target}: `,
        h(
          "code",
          { class: "publish-path", "data-testid": "published-link" },
          copy.path ?? NOT_DELIVERED[copy.state] ?? copy.state,
        ),
        copy.path ? notYet : null,
      )
    })
    const item = h(
      "li",
      { class: "call", "data-testid": "series-call", "data-id": call.id, "data-status": call.status },
      h(
        "div",
        { class: "call-head" },
        h(
          "a",
          { class: "call-date", href: seriesCallLink(this.#route.seriesId, call.id, this.#route.token) },
          formatDate(call.date),
        ),
        h("span", { class: `badge call-status call-${call.reopened ? "reopened" : call.status}` }, statusWords(call)),
      ),
      h("p", { class: "call-subject" }, call.subject),
      published.length > 0 ? h("p", { class: "call-published" }, ...published) : null,
    )
    if (info.role === "chair" && call.status === "closed")
      item.append(
        reopenControl(
          () => this.#api.reopen(call.id, this.#route.token, storedName()),
          () => void this.#reload(),
        ),
      )
    return item
  }

  #actionsCard(info: SeriesInfo): HTMLElement {
    const groups = actionsByOwner(info.openActions, [info.chair, ...info.attendees])
    return h(
      "section",
      { class: "card", "aria-labelledby": "open-actions-title", "data-testid": "open-actions" },
      h("h2", { id: "open-actions-title" }, "Open action items"),
      groups.length === 0
        ? h("p", { class: "panel-note" }, "No open action items.")
        : h(
            "div",
            { class: "owners" },
            ...groups.map(([owner, actions]) =>
              h(
                "section",
                { class: "owner", "data-owner": owner },
                h("h3", {}, owner || "Nobody named", h("span", { class: "count" }, ` ${actions.length}`)),
                h(
                  "ul",
                  {},
                  ...actions.map((action) =>
                    h(
                      "li",
                      { class: "open-action" },
                      withoutEscapes(action.text),
                      " ",
                      h(
                        "a",
                        {
                          class: "raised",
                          href: seriesCallLink(this.#route.seriesId, action.meeting, this.#route.token),
                        },
                        `since ${formatDate(action.date)}`,
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
    )
  }

  #chartCard(info: SeriesInfo): HTMLElement | null {
    if (info.meetings.length === 0) return null
    return h(
      "section",
      { class: "card", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, "Attendance and action items"),
      seriesChart(chartPoints(info.meetings)),
    )
  }
}

/** How often an overview in sight asks whether the series changed. */
const REFRESH_MS = 15_000

/** Calls listed before "Show all": about a quarter of a weekly series' year. */
const CALLS_SHOWN = 12

const NOT_DELIVERED: Record<string, string> = { pending: "publishing…", failed: "not delivered" }

function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return date
  const value = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return value.toLocaleDateString(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" })
}

/** What tells a link or button from the others across a redraw: its kind, test id, target and words. */
function focusKeyOf(element: HTMLElement): string | null {
  if (!element.matches("a, button, summary, [tabindex]")) return null
  return [
    element.tagName,
    element.dataset.testid ?? "",
    element.getAttribute("href") ?? "",
    element.textContent ?? "",
  ].join("\u0000")
}
