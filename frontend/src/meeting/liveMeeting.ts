import { next as A } from "@automerge/automerge/slim"
import { type DocHandle, isValidAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo/slim"
import { automergeReady } from "../automergeWasm.js"
import { documentBinding } from "../binding/plugin.js"
import { caretCursor, caretPosition } from "../caretCursors.js"
import { type MeetingDetails, metaChanges } from "../details/meetingDetails.js"
import { detailsOf, writeMeta } from "../details/metaWrite.js"
import type { MinutesEditor } from "../editor.js"
import { joinTime, leftMeeting, personId, rememberName, storedName, UNNAMED } from "../identity.js"
import type { MeetingRoute } from "../links.js"
import { NameRecord } from "../people.js"
import { MeetingPresence, type PersonHere } from "../presence.js"
import { RecordTools } from "../record/recordTools.js"
import type { RemoteCursor } from "../remoteCursors.js"
import { createMeetingRepo, findMeetingDocument, type MeetingRepo, untilDocumentHolds } from "../repo.js"
import { sizeLimitOf } from "../sync/refusals.js"
import { SaveStallWatch } from "../sync/saveStall.js"
import { type SyncSnapshot, SyncStatus } from "../sync/syncStatus.js"
import { parseAttendees } from "../text/attendees.js"
import { readMetaString } from "../text/metaString.js"
import type { MeetingInfo, MinutesDoc, Role } from "../types.js"
import type { HabitLines } from "../ui/closeDialog.js"
import { DetailsForm } from "../ui/detailsForm.js"
import { type MeetingLayout, UNREACHABLE } from "../ui/meetingLayout.js"
import { NamePrompt } from "../ui/namePrompt.js"
import type { PresenceList } from "../ui/presenceList.js"
import type { RecordBar } from "../ui/recordBar.js"
import type { StatusIndicator } from "../ui/statusIndicator.js"
import { type ClosedFacts, closedFactsFrom, type MeetingClosing } from "./meetingClosing.js"

/** The banner topic of a connection the server dropped because it sent too much: cleared once saved. */
const OVERLOADED = "overloaded"

/** The banner topic of edits the server has not confirmed for a while, though connected. */
const UNCONFIRMED = "unconfirmed"

/** How long the connection may be gone before the page says so in words (the indicator shows it at once). */
const CONNECTION_LOST_NOTICE_MS = 8000

/** What the live meeting uses of the page around it (meetingPage.ts). */
export interface LivePageParts {
  readonly route: MeetingRoute
  readonly info: MeetingInfo
  readonly layout: MeetingLayout
  readonly indicator: StatusIndicator
  readonly people: PresenceList
  readonly recordBar: RecordBar
  readonly closing: MeetingClosing
  /** The editor showing the stored text, or else a new one showing `text`. */
  readonly ensureEditor: (text: string, readOnly: boolean) => MinutesEditor
  /** The editor, if there is one yet. */
  readonly editor: () => MinutesEditor | null
  /**
   * The document changed: the outline, action items and preview follow a moment later, and so does
   * this part ({@link LiveMeeting.refresh}, which the page calls from the same timer: one pass over
   * a long text however many changes arrive).
   */
  readonly textChanged: () => void
  /** The same, at once. */
  readonly refreshNow: () => void
}

/** How opening the document ended: bound, or why the page shows a problem instead of the meeting. */
export type Opening =
  | "opened"
  /** The server named a document address that is not one. */
  | "broken-address"
  /** The document did not come (offline and never opened here, or the server did not send it). */
  | "not-sent"
  /** It came, but never reached the heads the text shown was read at, which the person typed into. */
  | "not-at-heads"

/** Loads Automerge, then starts connecting to the meeting; null when Automerge cannot load. */
export async function connectMeeting(route: MeetingRoute): Promise<MeetingRepo | null> {
  try {
    await automergeReady()
  } catch (error) {
    console.error("Loading Automerge failed", error)
    return null
  }
  return createMeetingRepo(window.location, route.meetingId, route.token)
}

/** Stops syncing the meeting: the page gave up on it, its socket must not keep reconnecting. */
export function stopSyncing(meetingRepo: MeetingRepo): void {
  meetingRepo.repo
    .shutdown()
    .catch((error: unknown) => console.error("Stopping the meeting's connection failed", error))
}

/**
 * The meeting while its document is there: the editor bound to it, the truthful save indicator,
 * who is here and their cursors, the names written into `people`, the record tools, the chair's
 * details, the server's refusals, and noticing a close or a reopening. This module, loaded while
 * the page asks for the meeting, is where Automerge and automerge-repo are: the page shows the
 * stored text without them.
 */
export class LiveMeeting {
  readonly record: RecordTools
  readonly #parts: LivePageParts
  readonly #meetingRepo: MeetingRepo
  #handle: DocHandle<MinutesDoc> | null = null
  #status: SyncStatus | null = null
  #presence: MeetingPresence | null = null
  #detailsForm: DetailsForm | null = null
  /** Writes this page's name into the document's `people`; null while this page may not write. */
  #names: NameRecord | null = null
  #lastSnapshot: SyncSnapshot | null = null
  #closed: ClosedFacts | null = null
  /** Each person's last caret this page could place (see `#caretOf`), by presence key. */
  readonly #placedCarets = new Map<string, string>()
  /** The document's status at the last change seen: a change from closed to open is a reopening. */
  #lastStatus = ""
  #lostTimer: number | undefined

  constructor(parts: LivePageParts, meetingRepo: MeetingRepo) {
    this.#parts = parts
    this.#meetingRepo = meetingRepo
    this.record = new RecordTools(parts.route.meetingId, parts.recordBar)
    meetingRepo.socket.onServerError((message) => this.#serverRefused(message))
  }

  /** Finds the document and binds the page to it; says why not when it cannot. */
  async open(): Promise<Opening> {
    const { info } = this.#parts
    if (!isValidAutomergeUrl(info.documentUrl)) {
      console.error("The server named an invalid document URL", info.documentUrl)
      return "broken-address"
    }
    let handle: DocHandle<MinutesDoc>
    try {
      handle = await findMeetingDocument(this.#meetingRepo, info.documentUrl)
    } catch (error) {
      console.error("Opening the meeting document failed", error)
      return "not-sent"
    }
    // What the person typed meanwhile is written against the heads the text was read at: a copy
    // this browser kept from an earlier visit may not hold them yet, the server's sync brings them.
    if (this.#parts.editor()?.hasEarlyEdits() && !(await untilDocumentHolds(handle, info.heads ?? []))) {
      console.error("The meeting's document never reached the heads its text was read at")
      return "not-at-heads"
    }
    this.#handle = handle
    this.#bind(handle)
    return "opened"
  }

  /** Stops syncing: the page gave up on the meeting. */
  shutdown(): void {
    stopSyncing(this.#meetingRepo)
  }

  /** This page's caret moved: others see it, anchored in the document. */
  cursorMoved(position: number, line: number): void {
    const handle = this.#handle
    if (!handle || !this.#presence) return
    // A position the document cannot name gives no cursor; the line number still helps.
    this.#presence.setCursor(caretCursor(handle.doc(), position), line)
  }

  /** The page is bound to the document (and shows its text, not the stored one). */
  get bound(): boolean {
    return this.#handle !== null
  }

  /** What is read from the document: names, the record, details, cursors. */
  refresh(): void {
    const handle = this.#handle
    if (!handle) return
    const doc = handle.doc()
    const { info, layout } = this.#parts
    this.#names?.ensure()
    this.record.documentChanged()
    const details = detailsOf(doc)
    layout.showMeta(
      details.subject || info.meta.subject || "",
      details.date || info.meta.updated || "",
      details.description,
    )
    this.#detailsForm?.show(details)
    this.#presenceChanged()
  }

  #bind(handle: DocHandle<MinutesDoc>): void {
    const { info, layout } = this.#parts
    const doc = handle.doc()
    const role = info.role
    this.#lastStatus = readMetaString(doc.status)
    const closedAtStart = readMetaString(doc.status) === "closed" || info.status === "closed"
    const readOnly = role === "viewer" || closedAtStart
    const editor = this.#parts.ensureEditor(typeof doc.body === "string" ? doc.body : "", readOnly)
    const binding = documentBinding(handle, ["body"], info.heads ?? null)
    if (!editor.attach(binding, readOnly, [this.record.editorExtension(handle)])) {
      layout.banner.show(
        "What you typed while the meeting loaded was not saved.",
        readOnly
          ? "The meeting was closed meanwhile. The text shown is the meeting's."
          : "The meeting changed in a way it could not be merged into. The text shown is the meeting's.",
      )
    }
    layout.editorReady()
    performance.mark("minutes:editor-ready")
    layout.showReadOnly(readOnly ? (role === "viewer" ? "Read only" : "Closed") : null)

    this.#followSync(handle)
    if (!readOnly) this.#names = new NameRecord(handle)
    this.#startPresence(handle, role, !closedAtStart)
    if (role === "chair") {
      this.#detailsForm = new DetailsForm((details) => this.#saveDetails(details))
      layout.showChairControls(this.#detailsForm.element, () =>
        this.#parts.closing.askToClose(
          this.#lastSnapshot?.pending ?? null,
          (facts) => this.#enterClosed(facts, true),
          this.#habitLines(),
        ),
      )
    }
    this.record.attach({
      handle,
      editor,
      present: () => this.#presence?.people() ?? [],
      selfName: () => storedName(),
      showTimeline: (timeline) => layout.showHistory(timeline),
    })
    handle.on("change", () => this.#documentChanged())
    this.#parts.refreshNow()
    if (closedAtStart) this.#enterClosed(closedFactsOf(doc) ?? closedFactsFrom(info.closed), false)
  }

  /** The minutes' action items written by habit, for the chair to convert before closing. */
  #habitLines(): HabitLines | null {
    const editor = this.#parts.editor()
    if (!editor) return null
    return { count: () => editor.habitActionItems(), convertAll: () => editor.convertAllActionItems() }
  }

  #followSync(handle: DocHandle<MinutesDoc>): void {
    const status = new SyncStatus(this.#meetingRepo.repo, handle, this.#meetingRepo.socket)
    this.#status = status
    const banner = this.#parts.layout.banner
    const stall = new SaveStallWatch(
      () =>
        banner.show(
          "The server has not confirmed your edits for a while.",
          "Keep writing: they are kept in this browser and sent again until the server stores them.",
          undefined,
          UNCONFIRMED,
        ),
      () => banner.clear(UNCONFIRMED),
    )
    status.onChange((snapshot) => {
      stall.observe(snapshot)
      this.#lastSnapshot = snapshot
      this.#parts.indicator.show(snapshot)
      this.#parts.people.setConnected(snapshot.connected)
      if (snapshot.view.kind === "saved") this.#parts.layout.banner.clear(OVERLOADED)
      this.#watchConnection(snapshot.connected)
    })
    this.#meetingRepo.socket.on("peer-candidate", () => this.#presence?.reannounce())
  }

  /**
   * A short drop is normal (a reconnect, a train tunnel) and the indicator shows it; a long one
   * deserves a sentence saying that writing on is safe.
   */
  #watchConnection(connected: boolean): void {
    const banner = this.#parts.layout.banner
    if (connected) {
      window.clearTimeout(this.#lostTimer)
      this.#lostTimer = undefined
      banner.clear(UNREACHABLE)
      return
    }
    if (this.#lostTimer !== undefined || this.#closed !== null) return
    this.#lostTimer = window.setTimeout(() => {
      if (this.#closed !== null) return
      banner.show(
        navigator.onLine ? "The server cannot be reached." : "You are offline.",
        "Keep writing: your edits are kept in this browser and sent as soon as the connection is back.",
        undefined,
        UNREACHABLE,
      )
    }, CONNECTION_LOST_NOTICE_MS)
  }

  #startPresence(handle: DocHandle<MinutesDoc>, role: Role, askName: boolean): void {
    const chosen = storedName()
    const meeting = handle.documentId
    const presence = new MeetingPresence(handle, this.#meetingRepo.repo.peerId, {
      id: personId(),
      name: chosen ?? UNNAMED,
      joinedAt: joinTime(meeting, Date.now()),
      role,
      cursor: null,
      // No caret for others to show until the person puts theirs in the text.
      line: 0,
    })
    this.#presence = presence
    const prompt = new NamePrompt({
      name: chosen ?? UNNAMED,
      chosen: chosen !== null,
      attendees: () => parseAttendees(this.#parts.editor()?.text() ?? ""),
      onName: (newName) => {
        rememberName(newName)
        presence.setName(newName)
        this.#names?.record(newName)
      },
    })
    this.#parts.layout.showNamePrompt(prompt.element)
    if (chosen !== null) this.#names?.record(chosen)
    presence.onChange(() => this.#presenceChanged())
    presence.start()
    presence.followPage(window)
    window.addEventListener("pagehide", () => leftMeeting(meeting, Date.now()))
    // Someone who clicked into the text while it loaded has their caret there already.
    const caret = this.#parts.editor()?.caret()
    if (caret) this.cursorMoved(caret.position, caret.line)
    if (chosen === null && askName) prompt.open()
  }

  #presenceChanged(): void {
    const presence = this.#presence
    const editor = this.#parts.editor()
    const handle = this.#handle
    if (!presence || !editor || !handle) return
    const people = presence.people()
    this.#parts.people.show(people)
    this.record.presenceChanged()
    const doc = handle.doc()
    const cursors: RemoteCursor[] = []
    // Closed, the editor shows the frozen text: nobody types in it, and carets placed in the live
    // document would not be where they point.
    for (const person of this.#closed === null ? people : []) {
      if (person.self) continue
      const caret = this.#caretOf(doc, editor.view.state.doc, person)
      if (caret) cursors.push({ key: person.key, name: person.name, color: person.color, ...caret })
    }
    for (const key of this.#placedCarets.keys()) {
      if (!people.some((person) => person.key === key)) this.#placedCarets.delete(key)
    }
    editor.showRemoteCursors(cursors)
  }

  /**
   * Where to draw a person's caret. Their caret names a character, which may be in a change that
   * has not arrived here yet (presence travels apart from the document): meanwhile the caret stays
   * where it was last placed, rather than jumping to its line's start and back.
   */
  #caretOf(doc: MinutesDoc, text: LineIndex, person: PersonHere): { position: number; mark: string } | null {
    const position = caretPosition(doc, person.cursor)
    if (position !== null && person.cursor !== null) {
      this.#placedCarets.set(person.key, person.cursor)
      return { position, mark: person.cursor }
    }
    const earlier = person.cursor === null ? undefined : this.#placedCarets.get(person.key)
    const earlierPosition = earlier === undefined ? null : caretPosition(doc, earlier)
    if (earlier !== undefined && earlierPosition !== null) return { position: earlierPosition, mark: earlier }
    const start = lineStart(text, person.line)
    return start === null ? null : { position: start, mark: `line ${person.line}` }
  }

  #documentChanged(): void {
    // Closing must show within a second everywhere: check it on every change, not debounced.
    const doc = this.#handle?.doc()
    const status = doc ? readMetaString(doc.status) : ""
    if (doc && status === "closed" && this.#closed === null) {
      this.#enterClosed(closedFactsOf(doc), true)
    }
    // The chair reopened the meeting for corrections: the page starts over, editable again.
    if (status === "open" && this.#lastStatus === "closed" && this.#closed !== null) this.#parts.closing.startOver()
    if (status) this.#lastStatus = status
    this.#parts.textChanged()
  }

  /** The chair saved valid details: write what changed into `meta`, where everyone sees it live. */
  #saveDetails(wanted: MeetingDetails): boolean {
    const handle = this.#handle
    if (!handle || this.#closed !== null || this.#parts.info.role !== "chair") return false
    const changes = metaChanges(detailsOf(handle.doc()), wanted)
    if (Object.keys(changes).length === 0) return false
    handle.change((doc) => writeMeta(doc, changes))
    return true
  }

  /**
   * Read-only for good, the final text from the server, and the publish status. `whileOpen`: the
   * meeting closed while this page had it open, rather than being opened closed.
   */
  #enterClosed(facts: ClosedFacts | null, whileOpen: boolean): void {
    if (this.#closed !== null) return
    if (whileOpen) this.#parts.indicator.closedWhileOpen()
    const closed = facts ?? { by: "", at: "", heads: [] }
    this.#closed = closed
    this.#names = null
    this.#parts.editor()?.setReadOnly(true)
    this.#parts.editor()?.showRemoteCursors([])
    this.#status?.setClosed(true)
    this.#parts.refreshNow()
    const doc = this.#handle?.doc()
    const updated = readMetaString(doc?.meta?.updated) || this.#parts.info.meta.updated || "minutes"
    this.#parts.closing.enter(closed, doc ? frozenBody(doc, closed.heads) : null, `${updated}.md`)
  }

  #serverRefused(message: string): void {
    const { layout, info } = this.#parts
    if (this.#closed !== null) {
      layout.banner.show(
        "Some edits arrived after the meeting was closed.",
        "They are not part of the final minutes, which are shown below.",
      )
      return
    }
    const limit = sizeLimitOf(message)
    if (limit) {
      layout.banner.show(
        limit.kind === "body"
          ? "Your last edit was not saved: the minutes would be too long."
          : "Your last edit was not saved: this meeting's history is full.",
        `${limit.detail} Nobody else sees that edit, and what you type after it cannot be saved either. ` +
          "Drop your unsaved edits to go on from the saved minutes.",
        { label: "Drop my unsaved edits", run: () => void this.#dropUnsavedEdits() },
        "size-limit",
      )
      return
    }
    if (message.startsWith("overloaded")) {
      // The server dropped the connection to slow it down: nothing is lost, the page reconnects
      // and sends what is not saved yet. Said until everything is saved again.
      layout.banner.show(
        "The server was busy and dropped the connection for a moment.",
        "Nothing is lost: the page reconnects and sends your unsaved edits again.",
        undefined,
        OVERLOADED,
      )
      return
    }
    if (message.startsWith("meeting-closed")) {
      // The chair's close has shut the meeting's writes; the closed document follows in a moment
      // (or, when the closing node stopped half-way, once another node finishes the close).
      layout.banner.show(
        "The meeting is being closed.",
        "What you type now is not part of the final minutes: this browser keeps it, and the final minutes show when the close is done.",
      )
      return
    }
    layout.banner.show("The server refused a change.", message)
    if (info.role === "viewer") this.#parts.editor()?.setReadOnly(true)
  }

  /**
   * A refused change stays in this browser and every later edit builds on it, so none of them can
   * be saved: forget the local copy and open the server's again.
   */
  async #dropUnsavedEdits(): Promise<void> {
    const documentUrl = this.#parts.info.documentUrl
    if (!isValidAutomergeUrl(documentUrl)) return
    try {
      await this.#meetingRepo.forgetLocalCopy(parseAutomergeUrl(documentUrl).documentId)
    } catch (error) {
      console.error("Forgetting this browser's copy of the meeting failed", error)
    }
    window.location.reload()
  }
}

/** The body at the frozen heads, if this copy holds them: the final text, shown at once. */
function frozenBody(doc: MinutesDoc, heads: readonly string[]): string | null {
  if (heads.length === 0 || !A.hasHeads(doc, [...heads])) return null
  const frozen = A.view(doc, [...heads])
  return typeof frozen.body === "string" ? frozen.body : null
}

function closedFactsOf(doc: MinutesDoc): ClosedFacts | null {
  const closed = doc.closed
  if (!closed) return null
  const heads = Array.isArray(closed.heads)
    ? closed.heads.map((head) => readMetaString(head)).filter((head) => head)
    : []
  return { by: readMetaString(closed.by), at: readMetaString(closed.at), heads }
}

/** What `lineStart` needs of a CodeMirror text. */
type LineIndex = { lines: number; line(n: number): { from: number } }

function lineStart(text: LineIndex, line: number): number | null {
  if (line < 1 || line > text.lines) return null
  return text.line(line).from
}
