import { next as A } from "@automerge/automerge/slim"
import { type DocHandle, isValidAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo/slim"
import { ApiError, type MinutesApi } from "./api.js"
import { automergeReady } from "./automergeWasm.js"
import { FinalMinutesWatch } from "./closing/finalMinutesWatch.js"
import { MeetingCorrections } from "./corrections/meetingCorrections.js"
import { type MeetingDetails, metaChanges } from "./details/meetingDetails.js"
import { detailsOf, writeMeta } from "./details/metaWrite.js"
import { MinutesEditor } from "./editor.js"
import { personId, rememberName, storedName, UNNAMED } from "./identity.js"
import { cachedMeeting, cacheMeeting } from "./meetingCache.js"
import { NameRecord } from "./people.js"
import { MeetingPresence } from "./presence.js"
import { RecordTools } from "./record/recordTools.js"
import { caretCursor, caretPosition, type RemoteCursor } from "./remoteCursors.js"
import { createMeetingRepo, findMeetingDocument, type MeetingRepo, untilDocumentHolds } from "./repo.js"
import { sizeLimitOf } from "./sync/refusals.js"
import { type SyncSnapshot, SyncStatus } from "./sync/syncStatus.js"
import { parseActionItems } from "./text/actionItems.js"
import { parseAttendees } from "./text/attendees.js"
import { readMetaString } from "./text/metaString.js"
import { bodyOfMinutesFile } from "./text/minutesFile.js"
import { parseOutline } from "./text/outline.js"
import type { MeetingInfo, MinutesDoc, Role } from "./types.js"
import { ActionItemsPanel } from "./ui/actionItemsPanel.js"
import { CloseDialog } from "./ui/closeDialog.js"
import { DetailsForm } from "./ui/detailsForm.js"
import { afterNextPaint } from "./ui/dom.js"
import { FinalPanel } from "./ui/finalPanel.js"
import { MeetingLayout } from "./ui/meetingLayout.js"
import { MinutesPreview } from "./ui/minutesPreview.js"
import { NamePrompt } from "./ui/namePrompt.js"
import { openingProblem } from "./ui/openingProblem.js"
import { OutlinePanel } from "./ui/outlinePanel.js"
import { PresenceList } from "./ui/presenceList.js"
import { showProblemPage } from "./ui/problemPage.js"
import { reopenControl } from "./ui/reopenControl.js"
import { StatusIndicator } from "./ui/statusIndicator.js"
import { storedViewMode, type ViewMode, ViewModeSwitch } from "./ui/viewModes.js"

/** Recomputing the outline and action items at most this often keeps typing smooth. */
const DERIVED_REFRESH_MS = 150
/** How long the connection may be gone before the page says so in words (the indicator shows it at once). */
const CONNECTION_LOST_NOTICE_MS = 8000
/** Banner topic of "the server cannot be reached", cleared once the socket is connected. */
const UNREACHABLE = "unreachable"

export interface MeetingRoute {
  readonly meetingId: string
  readonly token: string
}

interface ClosedFacts {
  by: string
  at: string
  heads: string[]
}

/**
 * One meeting page: the editor bound to the shared document, the truthful save indicator, who is
 * here, the outline and action items, and for the chair the close control. The server remains the
 * judge of roles; this page only avoids producing changes the server would refuse.
 */
export class MeetingPage {
  readonly #root: HTMLElement
  readonly #route: MeetingRoute
  readonly #api: MinutesApi
  readonly #layout: MeetingLayout
  readonly #indicator = new StatusIndicator()
  readonly #finalPanel = new FinalPanel()
  readonly #closeDialog = new CloseDialog()
  /** The chair's form for the meeting's details; made when the chair's controls are shown. */
  #detailsForm: DetailsForm | null = null
  #info: MeetingInfo | null = null
  #handle: DocHandle<MinutesDoc> | null = null
  #meetingRepo: MeetingRepo | null = null
  #editor: MinutesEditor | null = null
  #status: SyncStatus | null = null
  #presence: MeetingPresence | null = null
  /** Writes this page's name into the document's `people`; null while this page may not write. */
  #names: NameRecord | null = null
  #lastSnapshot: SyncSnapshot | null = null
  #closed: ClosedFacts | null = null
  /** The document's status at the last change seen: a change from closed to open is a reopening. */
  #lastStatus = ""
  #derivedTimer: number | undefined
  #lostTimer: number | undefined
  readonly #outline: OutlinePanel
  readonly #actionItems: ActionItemsPanel
  readonly #people = new PresenceList()
  readonly #preview = new MinutesPreview(() => this.#currentText())
  readonly #viewSwitch: ViewModeSwitch
  #view: ViewMode = storedViewMode()
  /** Who wrote what, the timeline and what changed since the last visit. */
  readonly #record: RecordTools
  /** What each correction changed, and while reopened what changed since the published revision. */
  readonly #corrections: MeetingCorrections

  constructor(root: HTMLElement, route: MeetingRoute, api: MinutesApi) {
    this.#root = root
    this.#route = route
    this.#api = api
    this.#outline = new OutlinePanel((entry) => this.#editor?.goTo(entry.from))
    this.#actionItems = new ActionItemsPanel(() => {
      const writable = this.#editor && !this.#editor.readOnly ? this.#editor : null
      return {
        select: (item) => this.#editor?.goTo(item.from),
        toggle: writable ? (item) => writable.toggleActionItem(item) : null,
        convert: writable ? (item) => writable.convertActionItem(item) : null,
        add: writable ? () => writable.addActionItem() : null,
      }
    })
    this.#viewSwitch = new ViewModeSwitch(this.#view, (mode) => this.#showView(mode))
    this.#record = new RecordTools(route.meetingId, (format) =>
      this.#api.exportMeeting(route.meetingId, route.token, format),
    )
    this.#corrections = new MeetingCorrections(
      this.#finalPanel,
      {
        revisionText: (revision) => api.minutesMarkdown(route.meetingId, route.token, revision),
      },
      () => this.#currentText(),
    )
    this.#layout = new MeetingLayout(root, {
      record: this.#record.bar.element,
      indicator: this.#indicator.element,
      announcer: this.#indicator.announcer,
      people: this.#people.element,
      outline: this.#outline.element,
      actionItems: this.#actionItems.element,
      finalPanel: this.#finalPanel.element,
      closeDialog: this.#closeDialog.element,
      preview: this.#preview.element,
      viewSwitch: this.#viewSwitch.element,
    })
    this.#showView(this.#view)
    this.#record.onExportFailure = (message) => this.#layout.banner.show("The download failed.", message)
  }

  async start(): Promise<void> {
    // Automerge compiles and the socket connects while the meeting is asked for: a long meeting's
    // document then starts arriving as soon as the page knows its address.
    const connecting = this.#connect()
    const info = await this.#loadInfo()
    if (!info) {
      this.#disconnect(connecting)
      return
    }
    this.#info = info
    void this.#corrections.opened(info)
    this.#layout.showMeta(info.meta.subject ?? "", info.meta.updated ?? "", info.meta.description ?? "")
    this.#layout.showRole(info.role)
    if (!isValidAutomergeUrl(info.documentUrl)) {
      console.error("The server named an invalid document URL", info.documentUrl)
      this.#disconnect(connecting)
      this.#fail(
        "The minutes cannot be opened.",
        "The server sent a broken document address. Tell its operator.",
        false,
      )
      return
    }
    if (typeof info.body === "string") this.#showStoredText(info.body, mayEditEarly(info))

    const meetingRepo = await connecting
    if (!meetingRepo) {
      if (this.#editor?.hasEarlyEdits()) {
        this.#keepUnsavedText()
        return
      }
      this.#fail("The minutes cannot be opened.", "This browser could not load the editor. Reload the page.", true)
      return
    }
    this.#meetingRepo = meetingRepo
    meetingRepo.socket.onServerError((message) => this.#serverRefused(message))

    let handle: DocHandle<MinutesDoc>
    try {
      handle = await findMeetingDocument(meetingRepo, info.documentUrl)
    } catch (error) {
      console.error("Opening the meeting document failed", error)
      this.#disconnect(connecting)
      if (this.#editor?.hasEarlyEdits()) {
        this.#keepUnsavedText()
        return
      }
      this.#fail(
        "The minutes cannot be opened.",
        navigator.onLine
          ? "The server did not send this meeting's text. Try again in a moment."
          : "You are offline, and this meeting has not been opened in this browser before. Connect, then try again.",
        true,
      )
      return
    }
    // What the person typed meanwhile is written against the heads the text was read at: a copy
    // this browser kept from an earlier visit may not hold them yet, the server's sync brings them.
    const shownHeads = info.heads ?? []
    if (this.#editor?.hasEarlyEdits() && !(await untilDocumentHolds(handle, shownHeads))) {
      console.error("The meeting's document never reached the heads its text was read at")
      this.#keepUnsavedText()
      return
    }
    this.#handle = handle
    this.#openEditor(meetingRepo, handle, info.role)
  }

  /**
   * The document never came, but the person typed into the text shown meanwhile: keep the page and
   * their text (read-only, to copy) instead of the problem page, and say that it is not saved.
   */
  #keepUnsavedText(): void {
    this.#editor?.setReadOnly(true)
    this.#layout.banner.show(
      "The meeting could not be loaded, so what you typed was not saved.",
      navigator.onLine
        ? "Copy your text from the editor, then reload the page."
        : "You are offline. Copy your text from the editor, then reload the page once you are connected.",
      { label: "Reload", run: () => window.location.reload() },
    )
  }

  /** The page gave up on the meeting: its socket must not keep reconnecting behind the problem page. */
  #disconnect(connecting: Promise<MeetingRepo | null>): void {
    connecting
      .then((meetingRepo) => meetingRepo?.repo.shutdown())
      .catch((error: unknown) => console.error("Stopping the meeting's connection failed", error))
  }

  /** The repo syncing this meeting, once Automerge is ready; null when Automerge cannot load. */
  async #connect(): Promise<MeetingRepo | null> {
    try {
      await automergeReady()
    } catch (error) {
      console.error("Loading Automerge failed", error)
      return null
    }
    return createMeetingRepo(window.location, this.#route.meetingId, this.#route.token)
  }

  async #loadInfo(): Promise<MeetingInfo | null> {
    const { meetingId, token } = this.#route
    try {
      const info = await this.#api.openingMeeting(meetingId, token)
      cacheMeeting(info, token)
      return info
    } catch (error) {
      const cached = error instanceof ApiError && error.unreachable ? cachedMeeting(meetingId, token) : null
      if (cached) {
        this.#layout.banner.show(
          "The server cannot be reached.",
          "You can keep writing: your edits stay in this browser and are sent when the server is back.",
          undefined,
          UNREACHABLE,
        )
        return cached
      }
      if (!(error instanceof ApiError)) console.error("Loading the meeting failed", error)
      const problem = openingProblem(error, "meeting")
      this.#fail(problem.title, problem.detail, problem.reload)
      return null
    }
  }

  /** Nothing to show: the meeting page gives way to a page that says why and offers a way back. */
  #fail(title: string, detail: string, offerReload: boolean): void {
    showProblemPage(this.#root, { title, detail, reload: offerReload })
  }

  /**
   * The text the server stored, shown at once while the document loads (a long meeting's history
   * takes a while to arrive and load); the same editor is bound to the document then. `editable`:
   * the person may type at once (see {@link mayEditEarly}); what they type is written into the
   * document when it arrives, against the heads the server read this text at.
   */
  #showStoredText(body: string, editable: boolean): void {
    this.#editor = this.#createEditor(body, !editable)
    this.#layout.editorShown(editable)
    if (editable) {
      // Until the document is there, what the person typed lives only in this page.
      window.addEventListener("beforeunload", (event) => {
        if (this.#editor?.hasEarlyEdits()) event.preventDefault()
      })
    }
    performance.mark("minutes:text-shown")
    // Reading a long text for its outline and action items can wait until the text is painted.
    afterNextPaint(() => {
      if (this.#handle) return
      this.#preview.changed()
      this.#refreshDerived()
    })
  }

  #createEditor(text: string, readOnly: boolean): MinutesEditor {
    return new MinutesEditor(this.#layout.editorHost, text, {
      readOnly,
      onCursor: (position, line) => this.#localCursorMoved(position, line),
      // Before the document is there, what the person types still moves the outline and the rest.
      onEarlyEdit: () => {
        this.#preview.changed()
        this.#scheduleDerived()
      },
    })
  }

  #openEditor(meetingRepo: MeetingRepo, handle: DocHandle<MinutesDoc>, role: Role): void {
    const doc = handle.doc()
    this.#lastStatus = readMetaString(doc.status)
    const closedAtStart = readMetaString(doc.status) === "closed" || this.#info?.status === "closed"
    const readOnly = role === "viewer" || closedAtStart
    const editor = this.#editor ?? this.#createEditor(typeof doc.body === "string" ? doc.body : "", readOnly)
    this.#editor = editor
    const earlyEditsKept = editor.attach(
      handle,
      readOnly,
      [this.#record.editorExtension(handle)],
      this.#info?.heads ?? null,
    )
    if (!earlyEditsKept) {
      this.#layout.banner.show(
        "What you typed while the meeting loaded was not saved.",
        readOnly
          ? "The meeting was closed meanwhile. The text shown is the meeting's."
          : "The meeting changed in a way it could not be merged into. The text shown is the meeting's.",
      )
    }
    this.#layout.editorReady()
    performance.mark("minutes:editor-ready")
    this.#preview.changed()
    this.#layout.showReadOnly(readOnly ? (role === "viewer" ? "Read only" : "Closed") : null)

    const status = new SyncStatus(meetingRepo.repo, handle, meetingRepo.socket)
    this.#status = status
    status.onChange((snapshot) => {
      this.#lastSnapshot = snapshot
      this.#indicator.show(snapshot)
      this.#watchConnection(snapshot.connected)
    })
    meetingRepo.socket.on("peer-candidate", () => this.#presence?.reannounce())

    if (!readOnly) this.#names = new NameRecord(handle)
    this.#startPresence(meetingRepo, handle, role, !closedAtStart)
    if (role === "chair") {
      this.#detailsForm = new DetailsForm((details) => this.#saveDetails(details))
      this.#layout.showChairControls(this.#detailsForm.element, () => this.#askToClose())
    }

    this.#record.attach({
      handle,
      editor,
      present: () => this.#presence?.people() ?? [],
      selfName: () => storedName(),
      showTimeline: (timeline) => this.#layout.showHistory(timeline),
    })
    handle.on("change", () => this.#documentChanged())
    this.#refreshDerived()
    if (closedAtStart) this.#enterClosed(closedFactsOf(doc) ?? closedFactsFromInfo(this.#info))
  }

  /**
   * A short drop is normal (a reconnect, a train tunnel) and the indicator shows it; a long one
   * deserves a sentence saying that writing on is safe.
   */
  #watchConnection(connected: boolean): void {
    if (connected) {
      window.clearTimeout(this.#lostTimer)
      this.#lostTimer = undefined
      this.#layout.banner.clear(UNREACHABLE)
      return
    }
    if (this.#lostTimer !== undefined || this.#closed !== null) return
    this.#lostTimer = window.setTimeout(() => {
      if (this.#closed !== null) return
      this.#layout.banner.show(
        navigator.onLine ? "The server cannot be reached." : "You are offline.",
        "Keep writing: your edits are kept in this browser and sent as soon as the connection is back.",
        undefined,
        UNREACHABLE,
      )
    }, CONNECTION_LOST_NOTICE_MS)
  }

  #startPresence(meetingRepo: MeetingRepo, handle: DocHandle<MinutesDoc>, role: Role, askName: boolean): void {
    const chosen = storedName()
    const presence = new MeetingPresence(handle, meetingRepo.repo.peerId, {
      id: personId(),
      name: chosen ?? UNNAMED,
      joinedAt: Date.now(),
      role,
      cursor: null,
      line: 1,
    })
    this.#presence = presence
    const prompt = new NamePrompt({
      name: chosen ?? UNNAMED,
      chosen: chosen !== null,
      attendees: () => parseAttendees(this.#editor?.text() ?? ""),
      onName: (newName) => {
        rememberName(newName)
        presence.setName(newName)
        this.#names?.record(newName)
      },
    })
    this.#layout.showNamePrompt(prompt.element)
    if (chosen !== null) this.#names?.record(chosen)
    presence.onChange(() => this.#presenceChanged())
    presence.start()
    presence.followPage(window)
    if (chosen === null && askName) prompt.open()
  }

  #localCursorMoved(position: number, line: number): void {
    const handle = this.#handle
    if (!handle || !this.#presence) return
    // A position the document cannot name gives no cursor; the line number still helps.
    this.#presence.setCursor(caretCursor(handle.doc(), position), line)
  }

  #presenceChanged(): void {
    const presence = this.#presence
    const editor = this.#editor
    const handle = this.#handle
    if (!presence || !editor || !handle) return
    const people = presence.people()
    this.#people.show(people)
    this.#record.presenceChanged()
    const doc = handle.doc()
    const state = editor.view.state
    const cursors: RemoteCursor[] = []
    for (const person of people) {
      if (person.self) continue
      const position = caretPosition(doc, person.cursor) ?? lineStart(state.doc, person.line)
      if (position === null) continue
      cursors.push({ key: person.key, name: person.name, color: person.color, position })
    }
    editor.showRemoteCursors(cursors)
  }

  #showView(mode: ViewMode): void {
    this.#view = mode
    this.#viewSwitch.show(mode)
    this.#layout.showView(mode)
    this.#preview.setVisible(mode !== "edit")
  }

  /** The minutes' text as this page shows it (the editor's, which is the final text once frozen). */
  #currentText(): string {
    if (this.#editor) return this.#editor.text()
    const body = this.#handle?.doc().body
    return typeof body === "string" ? body : ""
  }

  #documentChanged(): void {
    this.#preview.changed()
    // Closing must show within a second everywhere: check it on every change, not debounced.
    const doc = this.#handle?.doc()
    const status = doc ? readMetaString(doc.status) : ""
    if (doc && status === "closed" && this.#closed === null) {
      this.#enterClosed(closedFactsOf(doc))
    }
    // The chair reopened the meeting for corrections: the page starts over, editable again.
    if (status === "open" && this.#lastStatus === "closed" && this.#closed !== null) window.location.reload()
    if (status) this.#lastStatus = status
    this.#scheduleDerived()
  }

  #scheduleDerived(): void {
    if (this.#derivedTimer !== undefined) return
    this.#derivedTimer = window.setTimeout(() => {
      this.#derivedTimer = undefined
      this.#refreshDerived()
    }, DERIVED_REFRESH_MS)
  }

  /** What is read from the text (outline, action items) and, once bound, from the document. */
  #refreshDerived(): void {
    const text = this.#currentText()
    this.#outline.show(parseOutline(text))
    this.#actionItems.show(parseActionItems(text))
    const handle = this.#handle
    if (!handle) return
    const doc = handle.doc()
    this.#names?.ensure()
    this.#record.documentChanged()
    this.#corrections.liveChanged()
    const details = detailsOf(doc)
    this.#layout.showMeta(
      details.subject || this.#info?.meta.subject || "",
      details.date || this.#info?.meta.updated || "",
      details.description,
    )
    this.#detailsForm?.show(details)
    this.#presenceChanged()
  }

  /** The chair saved valid details: write what changed into `meta`, where everyone sees it live. */
  #saveDetails(wanted: MeetingDetails): boolean {
    const handle = this.#handle
    if (!handle || this.#closed !== null || this.#info?.role !== "chair") return false
    const changes = metaChanges(detailsOf(handle.doc()), wanted)
    if (Object.keys(changes).length === 0) return false
    handle.change((doc) => writeMeta(doc, changes))
    return true
  }

  #askToClose(): void {
    this.#closeDialog.open(this.#lastSnapshot?.pending ?? null, async () => {
      try {
        const result = await this.#api.close(this.#route.meetingId, this.#route.token)
        this.#enterClosed({
          by: result.closed?.by ?? "",
          at: result.closed?.at ?? "",
          heads: result.closed?.heads ?? [],
        })
      } catch (error) {
        if (error instanceof ApiError) throw new Error(`Closing failed: ${error.message}`, { cause: error })
        throw error
      }
    })
  }

  /** Read-only for good, the final text from the server, and the publish status. */
  #enterClosed(facts: ClosedFacts | null): void {
    if (this.#closed !== null) {
      return
    }
    this.#closed = facts ?? { by: "", at: "", heads: [] }
    this.#names = null
    const handle = this.#handle
    this.#editor?.setReadOnly(true)
    this.#status?.setClosed(true)
    this.#layout.showReadOnly("Closed")
    const { meetingId, token } = this.#route
    // Every page of the meeting reloads when it sees the document open again; this one at once.
    this.#layout.showClosedChairControls(
      reopenControl(
        () => this.#api.reopen(meetingId, token),
        () => window.location.reload(),
      ),
    )
    this.#refreshDerived()

    // The document at the frozen heads is the final text; show it at once if we hold it.
    if (handle && this.#editor && this.#closed.heads.length > 0 && A.hasHeads(handle.doc(), this.#closed.heads)) {
      const frozen = A.view(handle.doc(), this.#closed.heads)
      if (typeof frozen.body === "string") this.#editor.freeze(frozen.body)
    }
    // The final minutes show rendered: beside the editor unless this browser chose the preview alone.
    if (this.#view === "edit") this.#showView("split")
    this.#preview.changed()
    const updated = readMetaString(handle?.doc().meta?.updated) || this.#info?.meta.updated || "minutes"
    this.#finalPanel.reveal(this.#closed.by, this.#closed.at, `${updated}.md`)
    this.#watchFinalMinutes()
  }

  /** Until the published revision and every publish target's outcome are known. */
  #watchFinalMinutes(): void {
    const { meetingId, token } = this.#route
    const watch = new FinalMinutesWatch(() => this.#api.meeting(meetingId, token), {
      isPublished: (info) => this.#corrections.isNewlyPublished(info),
      published: (info) => this.#showFinalText(info),
      publishStatus: (targets) => this.#finalPanel.showPublish(targets),
    })
    void watch.run().then(() => this.#finalPanel.watchEnded())
  }

  /**
   * The final minutes file is the revision the close published (also what the corrections
   * compare). Rejects, after saying so, when it cannot be loaded: the watch asks again.
   */
  async #showFinalText(info: MeetingInfo): Promise<void> {
    try {
      const markdown = await this.#corrections.published(info)
      this.#finalPanel.showText(markdown)
      const body = bodyOfMinutesFile(markdown)
      if (body !== null) this.#editor?.freeze(body)
      this.#preview.changed()
    } catch (error) {
      console.error("Loading the final minutes failed", error)
      this.#finalPanel.showTextError(
        error instanceof ApiError
          ? `The final minutes could not be loaded: ${error.message}`
          : "The final minutes could not be loaded.",
      )
      throw error
    }
  }

  #serverRefused(message: string): void {
    if (this.#closed !== null) {
      this.#layout.banner.show(
        "Some edits arrived after the meeting was closed.",
        "They are not part of the final minutes, which are shown below.",
      )
      return
    }
    const limit = sizeLimitOf(message)
    if (limit) {
      this.#layout.banner.show(
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
    this.#layout.banner.show("The server refused a change.", message)
    if (this.#info?.role === "viewer") this.#editor?.setReadOnly(true)
  }

  /**
   * A refused change stays in this browser and every later edit builds on it, so none of them can
   * be saved: forget the local copy and open the server's again.
   */
  async #dropUnsavedEdits(): Promise<void> {
    const documentUrl = this.#info?.documentUrl
    if (!this.#meetingRepo || !documentUrl || !isValidAutomergeUrl(documentUrl)) return
    try {
      await this.#meetingRepo.forgetLocalCopy(parseAutomergeUrl(documentUrl).documentId)
    } catch (error) {
      console.error("Forgetting this browser's copy of the meeting failed", error)
    }
    window.location.reload()
  }
}

/**
 * The person may type into the text the server answered before the document arrives: it was read
 * at known heads (so their edits can be merged), the meeting is open and the role may write.
 */
function mayEditEarly(info: MeetingInfo): boolean {
  return info.role !== "viewer" && info.status === "open" && (info.heads?.length ?? 0) > 0
}

function closedFactsOf(doc: MinutesDoc): ClosedFacts | null {
  const closed = doc.closed
  if (!closed) return null
  const heads = Array.isArray(closed.heads)
    ? closed.heads.map((head) => readMetaString(head)).filter((head) => head)
    : []
  return { by: readMetaString(closed.by), at: readMetaString(closed.at), heads }
}

function closedFactsFromInfo(info: MeetingInfo | null): ClosedFacts | null {
  const closed = info?.closed
  if (!closed) return null
  return { by: closed.by ?? "", at: closed.at ?? "", heads: closed.heads ?? [] }
}

function lineStart(text: { lines: number; line(n: number): { from: number } }, line: number): number | null {
  if (line < 1 || line > text.lines) return null
  return text.line(line).from
}
