import { next as A } from "@automerge/automerge/slim"
import type { DocHandle } from "@automerge/automerge-repo"
import type { Extension } from "@codemirror/state"
import { type AuthorInfo, authorClass, describeAuthors, SERVER_NAME } from "../authors.js"
import {
  type AuthorSpan,
  type AuthorStyle,
  authorSpans,
  authorship,
  authorsRequested,
  hideAuthors,
  setAuthorClasses,
  showAuthors,
} from "../authorship.js"
import type { MinutesEditor } from "../editor.js"
import { changeRefs, HistoryClient, HistoryError } from "../history/historyClient.js"
import type { ChangeSegment, HistoryTarget, PointInfo } from "../history/protocol.js"
import { peopleOf } from "../people.js"
import { readMetaString } from "../text/metaString.js"
import type { MinutesDoc } from "../types.js"
import type { LegendEntry, RecordBar } from "../ui/recordBar.js"
import { LastSeen } from "./lastSeen.js"
import { type PersonStyle, Timeline } from "./timeline.js"

/** What the record tools need of the meeting page. */
export interface RecordHost {
  readonly handle: DocHandle<MinutesDoc>
  readonly editor: MinutesEditor
  /** People here now with their presence colours. */
  readonly present: () => readonly { readonly name: string; readonly color: number }[]
  /** The name this person chose, if any. */
  readonly selfName: () => string | null
  /** Shows the timeline instead of the editor (null: the editor again). */
  readonly showTimeline: (timeline: HTMLElement | null) => void
}

/** How often, at most, the heads this browser has seen are written down. */
const REMEMBER_MS = 2000

/** "Ada, Ben and Cy": the people of one timeline step. */
const NAMES = new Intl.ListFormat("en", { style: "long", type: "conjunction" })

/**
 * The record of the meeting in the page: who wrote what (authorship colours and legend), the
 * timeline of edit sessions, and what changed since this browser's last visit. The history is
 * read by a worker from a saved copy of the document, so none of it slows typing down.
 */
export class RecordTools {
  readonly bar: RecordBar
  readonly #client = new HistoryClient()
  readonly #lastSeen: LastSeen
  #host: RecordHost | null = null
  #authorsOn = false
  /** The document's first actor (the server writing the template), once the worker read it. */
  #creator: string | null = null
  #timeline: Timeline | null = null
  #timelineHeads: string = ""
  /**
   * The comparison the timeline shows instead of a step ("Changes since your last visit"), or
   * null: "Include the newest edits" shows it again with them, rather than the newest step.
   */
  #comparison: Comparison | null = null
  #pointRequest = 0
  #rememberTimer: number | undefined
  /** The heads the minutes showed the last time the page was visible. */
  #seenHeads: A.Heads | null = null
  #legendTimer: number | undefined
  /** The one person whose text is coloured, chosen in the legend; null: everyone's. */
  #only: string | null = null

  /**
   * `bar` is the page's record bar, made before the document was there: its buttons call
   * {@link toggleAuthors}, {@link toggleHistory} and {@link showSinceLastVisit}; the page itself
   * answers its downloads (they need only the server).
   */
  constructor(meetingId: string, bar: RecordBar) {
    this.#lastSeen = new LastSeen(meetingId)
    this.bar = bar
  }

  /** The editor extension colouring authorship; the editor is created with it. */
  editorExtension(handle: DocHandle<MinutesDoc>): Extension {
    return authorship({
      selfActor: () => A.getActorId(handle.doc()),
      lookUp: (from, to, length) => insertersOf(handle.doc(), from, to, length),
      onStale: () => {
        if (this.#authorsOn) void this.#computeAuthors()
      },
    })
  }

  attach(host: RecordHost): void {
    this.#host = host
    this.documentChanged()
    document.addEventListener("visibilitychange", () => this.#see())
    window.addEventListener("pagehide", () => this.#remember())
  }

  /** The document changed: remember what this browser has seen, keep the legend and timeline honest. */
  documentChanged(): void {
    const host = this.#host
    if (!host) return
    const doc = host.handle.doc()
    const previous = this.#lastSeen.previous
    this.bar.offerSinceLastVisit(
      previous !== null && A.hasHeads(doc, [...previous]) && !sameHeads(previous, A.getHeads(doc)),
    )
    this.#see()
    if (this.#authorsOn) this.#scheduleLegend()
    this.#timeline?.offerRefresh(this.#timelineHeads !== headsKey(A.getHeads(doc)))
  }

  /** People came or went, or renamed themselves: their colours may have changed. */
  presenceChanged(): void {
    if (this.#authorsOn) this.#scheduleLegend()
  }

  // ---- authorship ----

  async toggleAuthors(): Promise<void> {
    const host = this.#host
    if (!host) return
    if (this.#authorsOn) {
      this.#authorsOn = false
      this.#only = null
      host.editor.view.dispatch({ effects: hideAuthors.of(null) })
      this.bar.showAuthorsState("off")
      return
    }
    this.#authorsOn = true
    await this.#computeAuthors()
  }

  async #computeAuthors(): Promise<void> {
    const host = this.#host
    if (!host) return
    this.bar.showAuthorsState("computing", "Reading who wrote what…")
    const view = host.editor.view
    view.dispatch({ effects: authorsRequested.of(null) })
    const askedText = host.editor.text()
    try {
      await this.#loadHistory(host)
      const reply = await this.#client.ask({ kind: "authors" })
      if (!this.#authorsOn) return
      if (reply.text !== askedText) {
        console.warn(
          "The editor and the document differed when authorship was asked; colours may be off until the next edit",
        )
      }
      view.dispatch({ effects: showAuthors.of({ spans: reply.spans, classes: this.#classes(reply.spans) }) })
      this.#showLegend()
    } catch (error) {
      console.error("Authorship could not be computed", error)
      this.bar.showAuthorsState("failed", `Who wrote what cannot be shown: ${whyNot(error)}`)
    }
  }

  /**
   * Colours only `name`'s text (the legend's choice), or everyone's again when it is the one
   * chosen: where two people's colours look alike, or colours are hard to tell apart at all, this
   * still shows whose text is whose.
   */
  chooseAuthor(name: string): void {
    this.#only = this.#only === name ? null : name
    this.#recolour()
  }

  #recolour(): void {
    const host = this.#host
    const spans = host ? authorSpans(host.editor.view.state) : null
    if (!host || !spans) return
    host.editor.view.dispatch({ effects: setAuthorClasses.of(this.#classes(spans)) })
    this.#showLegend()
  }

  #scheduleLegend(): void {
    if (this.#legendTimer !== undefined) return
    this.#legendTimer = window.setTimeout(() => {
      this.#legendTimer = undefined
      this.#recolour()
    }, 300)
  }

  #showLegend(): void {
    const host = this.#host
    const spans = host ? authorSpans(host.editor.view.state) : null
    if (!spans) return
    const authors = this.#authors(spans.map((span) => span.actor))
    const totals = new Map<string, LegendEntry>()
    for (const span of spans) {
      const author = authors.get(span.actor)
      if (!author) continue
      const entry = totals.get(author.name) ?? { name: author.name, cls: authorClass(author), characters: 0 }
      totals.set(author.name, { ...entry, characters: entry.characters + span.to - span.from })
    }
    // In name order, the template last: buttons do not change places under someone's pointer
    // or keyboard while others type.
    const entries = [...totals.values()].sort(
      (a, b) => Number(a.cls === "author-plain") - Number(b.cls === "author-plain") || a.name.localeCompare(b.name),
    )
    if (this.#only !== null && !totals.has(this.#only)) this.#only = null
    this.bar.showAuthorsState("on")
    this.bar.showLegend(entries, this.#only)
  }

  #classes(spans: readonly AuthorSpan[]): Map<string, AuthorStyle> {
    const classes = new Map<string, AuthorStyle>()
    for (const [actor, author] of this.#authors(spans.map((span) => span.actor))) {
      const shown = this.#only === null || author.name === this.#only
      classes.set(actor, { cls: shown ? authorClass(author) : "author-plain", name: author.name })
    }
    return classes
  }

  #authors(actors: Iterable<string>): Map<string, AuthorInfo> {
    const host = this.#host
    if (!host) return new Map()
    const doc = host.handle.doc()
    const people = peopleOf(doc)
    // Colours are given over everyone who named themselves, whatever is asked: the timeline asks
    // for one actor at a time and "Who wrote what" for those in the text, and a person must have
    // one colour in both (asked alone, every absent person took the first free colour).
    return describeAuthors(new Set([...people.keys(), ...actors].filter((actor) => actor !== "")), {
      people,
      selfActor: A.getActorId(doc),
      selfName: host.selfName(),
      creator: this.#creator,
      present: host.present(),
    })
  }

  // ---- timeline ----

  async toggleHistory(): Promise<void> {
    if (this.#timeline) this.#closeTimeline()
    else await this.#openTimeline()
  }

  async #openTimeline(): Promise<Timeline | null> {
    const host = this.#host
    if (!host) return null
    const timeline = new Timeline({
      showPoint: (index) => {
        this.#comparison = null
        void this.#showPoint(index)
      },
      close: () => {
        this.#closeTimeline()
        // "Back to the minutes" is gone with the timeline: the keyboard goes back to History.
        this.bar.focusHistory()
      },
      refresh: () => void this.#refreshTimeline(),
    })
    this.#timeline = timeline
    this.bar.showHistoryState(true)
    host.showTimeline(timeline.element)
    await this.#readTimeline()
    return timeline
  }

  async #refreshTimeline(): Promise<void> {
    const comparison = this.#comparison
    if (comparison === null) {
      await this.#readTimeline()
      return
    }
    await this.#readTimeline(false)
    await this.#compare(comparison)
  }

  /** Reads the history again, and shows its newest step unless `showNewest` is false. */
  async #readTimeline(showNewest = true): Promise<void> {
    const host = this.#host
    const timeline = this.#timeline
    if (!host || !timeline) return
    try {
      const heads = await this.#loadHistory(host)
      this.#timelineHeads = headsKey(heads)
      timeline.offerRefresh(false)
      const people = Object.fromEntries(this.#namesByActor(host))
      const { points } = await this.#client.ask({ kind: "sessions", people })
      if (timeline !== this.#timeline) return
      timeline.setPoints(points, (point) => this.#pointStyle(point))
      if (showNewest && points.length > 0) await this.#showPoint(points.length - 1)
    } catch (error) {
      this.#timelineFailed(timeline, error)
    }
  }

  #timelineFailed(timeline: Timeline, error: unknown): void {
    console.error("The history could not be read", error)
    if (timeline === this.#timeline) timeline.showFailure(`The history cannot be shown: ${whyNot(error)}`)
  }

  async #showPoint(index: number): Promise<void> {
    const timeline = this.#timeline
    if (!timeline) return
    // Sliding fires many requests; only the newest is shown.
    const request = ++this.#pointRequest
    const from: HistoryTarget = index === 0 ? { empty: true } : { point: index - 1 }
    try {
      const reply = await this.#client.ask({ kind: "compare", from, to: { point: index } })
      if (request !== this.#pointRequest || timeline !== this.#timeline) return
      timeline.showPoint(index, reply.text, reply.segments, (actor) => this.#actorStyle(actor))
    } catch (error) {
      this.#timelineFailed(timeline, error)
    }
  }

  #closeTimeline(): void {
    this.#comparison = null
    this.#timeline?.destroy()
    this.#timeline = null
    this.bar.showHistoryState(false)
    this.#host?.showTimeline(null)
  }

  /** What changed since this browser last showed the meeting. */
  async showSinceLastVisit(): Promise<void> {
    const host = this.#host
    const previous = this.#lastSeen.previous
    if (!host || !previous) return
    const closed = closedSince(host.handle.doc(), previous)
    await this.#compare({
      from: previous,
      to: null,
      caption: (segments) => `Changes since your last visit: ${summary(segments)}${closed}`,
    })
  }

  /** Opens the timeline on the changes between two states of the document (see {@link Comparison}). */
  async #compare(comparison: Comparison): Promise<void> {
    const { from, to, caption } = comparison
    const host = this.#host
    if (!host) return
    const timeline = this.#timeline ?? (await this.#openTimeline())
    if (!timeline) return
    this.#comparison = comparison
    const doc = host.handle.doc()
    const fromRefs = changeRefs(doc, from)
    const toRefs = to === null ? null : changeRefs(doc, to)
    if (!fromRefs || (to !== null && !toRefs)) {
      timeline.showFailure("This browser does not hold that part of the history.")
      return
    }
    try {
      await this.#loadHistory(host)
      const reply = await this.#client.ask({
        kind: "compare",
        from: { heads: fromRefs },
        to: toRefs ? { heads: toRefs } : { now: true },
      })
      if (timeline !== this.#timeline) return
      timeline.showComparison(caption(reply.segments), reply.text, reply.segments, (actor) => this.#actorStyle(actor))
    } catch (error) {
      this.#timelineFailed(timeline, error)
    }
  }

  // ---- shared ----

  async #loadHistory(host: RecordHost): Promise<A.Heads> {
    const heads = await this.#client.load(host.handle.doc())
    if (this.#creator === null) {
      const { creator } = await this.#client.ask({ kind: "creator" })
      this.#creator = creator
    }
    return heads
  }

  #namesByActor(host: RecordHost): Map<string, string> {
    const doc = host.handle.doc()
    const names = new Map(peopleOf(doc))
    const self = host.selfName()
    if (self) names.set(A.getActorId(doc), self)
    return names
  }

  #actorStyle(actor: string): PersonStyle {
    return styleOf(this.#authors([actor]).get(actor))
  }

  #pointStyle(point: PointInfo): PersonStyle {
    if (!point.actor) return { name: point.person, cls: "author-plain" }
    // Pages stamp every change with their clock; the server's changes (closing, reopening) carry
    // none, and their actor is nobody's.
    const authors = this.#authors([point.actor, ...point.actors])
    if (point.start === 0 && authors.get(point.actor)?.known === false)
      return { name: SERVER_NAME, cls: "author-plain" }
    const style = styleOf(authors.get(point.actor))
    // A step is one person's minute, but others may have typed in it too: name them all.
    const others = new Set(point.actors.map((actor) => authors.get(actor)?.name ?? style.name))
    others.delete(style.name)
    return others.size === 0 ? style : { ...style, name: `${style.name} with ${NAMES.format([...others])}` }
  }

  /** The person can see the minutes now: what they show counts as seen (written down soon). */
  #see(): void {
    const host = this.#host
    if (!host || document.visibilityState === "hidden") return
    this.#seenHeads = A.getHeads(host.handle.doc())
    if (this.#rememberTimer === undefined) {
      this.#rememberTimer = window.setTimeout(() => {
        this.#rememberTimer = undefined
        this.#remember()
      }, REMEMBER_MS)
    }
  }

  #remember(): void {
    if (this.#seenHeads) this.#lastSeen.remember(this.#seenHeads)
  }
}

/**
 * The actor that inserted each character of [from, to) of `doc`'s body (from Automerge cursors,
 * `counter@actor`), or null when the body is not the editor's text (`length`) right now.
 */
function insertersOf(doc: MinutesDoc, from: number, to: number, length: number): string[] | null {
  if (typeof doc.body !== "string" || doc.body.length !== length) return null
  const actors: string[] = []
  for (let at = from; at < to; at += 1) {
    const cursor = A.getCursor(doc, ["body"], at)
    actors.push(cursor.slice(cursor.indexOf("@") + 1))
  }
  return actors
}

/** Why the history could not be shown, in words for the person (the details go to the console). */
export function whyNot(error: unknown): string {
  const reason = error instanceof HistoryError ? error.reason : "failed"
  switch (reason) {
    case "unreadable":
      return "this page cannot read the meeting's history (it may have been written by a newer version). The minutes themselves are not affected, and the Automerge download keeps the whole history."
    case "stuck":
      return "reading the history took too long and was stopped. Try again."
    case "failed":
      return "something went wrong while reading the history. Try again later."
  }
}

function summary(segments: readonly ChangeSegment[]): string {
  const added = segments.filter((s) => s.kind === "added").reduce((sum, s) => sum + s.text.length, 0)
  const removed = segments.filter((s) => s.kind === "removed").reduce((sum, s) => sum + s.text.length, 0)
  if (added === 0 && removed === 0) return "no change to the text"
  return `${added.toLocaleString()} characters added, ${removed.toLocaleString()} removed`
}

/**
 * Words for a close since `previous` (heads), or "": coming back to a closed meeting, the text may
 * not have changed at all, and "other parts of the meeting changed" is then all a person would read.
 */
function closedSince(doc: A.Doc<MinutesDoc>, previous: readonly string[]): string {
  if (readMetaString(doc.status) !== "closed") return ""
  try {
    if (readMetaString(A.view(doc, [...previous]).status) === "closed") return ""
  } catch {
    return ""
  }
  const by = readMetaString(doc.closed?.by)
  return by ? `; ${by} closed the meeting` : "; the meeting was closed"
}

function headsKey(heads: readonly string[]): string {
  return [...heads].sort().join(",")
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return headsKey(a) === headsKey(b)
}

function styleOf(author: AuthorInfo | undefined): PersonStyle {
  return author ? { name: author.name, cls: authorClass(author) } : { name: "Unknown", cls: "author-plain" }
}

/** Two states of the document compared: `from` heads, `to` heads or now (null), and its caption. */
interface Comparison {
  readonly from: readonly string[]
  readonly to: readonly string[] | null
  readonly caption: (segments: readonly ChangeSegment[]) => string
}
