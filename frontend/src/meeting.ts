import { next as A } from "@automerge/automerge/slim"
import { type DocHandle, isValidAutomergeUrl } from "@automerge/automerge-repo"
import { ApiError, type MinutesApi } from "./api.js"
import { MinutesEditor } from "./editor.js"
import { guestName, rememberName, storedColor, storedName } from "./identity.js"
import { cachedMeeting, cacheMeeting } from "./meetingCache.js"
import { MeetingPresence } from "./presence.js"
import type { RemoteCursor } from "./remoteCursors.js"
import { createMeetingRepo, type MeetingRepo } from "./repo.js"
import { type SyncSnapshot, SyncStatus } from "./sync/syncStatus.js"
import { type ActionItem, parseActionItems } from "./text/actionItems.js"
import { readMetaString } from "./text/metaString.js"
import { bodyOfMinutesFile } from "./text/minutesFile.js"
import { parseOutline } from "./text/outline.js"
import type { MeetingInfo, MinutesDoc, Role } from "./types.js"
import { ActionItemsPanel } from "./ui/actionItemsPanel.js"
import { CloseDialog } from "./ui/closeDialog.js"
import { FinalPanel } from "./ui/finalPanel.js"
import { MeetingLayout } from "./ui/meetingLayout.js"
import { NamePrompt } from "./ui/namePrompt.js"
import { OutlinePanel } from "./ui/outlinePanel.js"
import { PresenceList } from "./ui/presenceList.js"
import { StatusIndicator } from "./ui/statusIndicator.js"

/** Recomputing the outline and action items at most this often keeps typing smooth. */
const DERIVED_REFRESH_MS = 150
/** How often the publish status is asked for while a target is still pending. */
const PUBLISH_POLL_MS = 2000
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
  readonly #route: MeetingRoute
  readonly #api: MinutesApi
  readonly #layout: MeetingLayout
  readonly #indicator = new StatusIndicator()
  readonly #finalPanel = new FinalPanel()
  readonly #closeDialog = new CloseDialog()
  #info: MeetingInfo | null = null
  #handle: DocHandle<MinutesDoc> | null = null
  #editor: MinutesEditor | null = null
  #status: SyncStatus | null = null
  #presence: MeetingPresence | null = null
  #lastSnapshot: SyncSnapshot | null = null
  #closed: ClosedFacts | null = null
  /** The document's status at the last change seen: a change from closed to open is a reopening. */
  #lastStatus = ""
  #derivedTimer: number | undefined
  #publishTimer: number | undefined
  #lostTimer: number | undefined
  readonly #outline: OutlinePanel
  readonly #actionItems: ActionItemsPanel
  readonly #people = new PresenceList()

  constructor(root: HTMLElement, route: MeetingRoute, api: MinutesApi) {
    this.#route = route
    this.#api = api
    this.#outline = new OutlinePanel((entry) => this.#editor?.goTo(entry.from))
    this.#actionItems = new ActionItemsPanel(() => ({
      select: (item) => this.#editor?.goTo(item.from),
      toggle: this.#editor && !this.#editor.readOnly ? (item) => this.#toggleActionItem(item) : null,
    }))
    this.#layout = new MeetingLayout(root, {
      indicator: this.#indicator.element,
      announcer: this.#indicator.announcer,
      people: this.#people.element,
      outline: this.#outline.element,
      actionItems: this.#actionItems.element,
      finalPanel: this.#finalPanel.element,
      closeDialog: this.#closeDialog.element,
    })
  }

  async start(): Promise<void> {
    const info = await this.#loadInfo()
    if (!info) return
    this.#info = info
    this.#layout.showMeta(info.meta.subject ?? "", info.meta.updated ?? "")
    this.#layout.showRole(info.role)

    const meetingRepo = createMeetingRepo(window.location, this.#route.meetingId, this.#route.token)
    meetingRepo.socket.onServerError((message) => this.#serverRefused(message))

    if (!isValidAutomergeUrl(info.documentUrl)) {
      console.error("The server named an invalid document URL", info.documentUrl)
      this.#fail(
        "The minutes cannot be opened.",
        "The server sent a broken document address. Tell its operator.",
        false,
      )
      return
    }
    let handle: DocHandle<MinutesDoc>
    try {
      handle = await meetingRepo.repo.find<MinutesDoc>(info.documentUrl)
    } catch (error) {
      console.error("Opening the meeting document failed", error)
      this.#layout.failEditor()
      this.#layout.banner.show(
        "The minutes cannot be opened.",
        navigator.onLine
          ? "The server did not send this meeting's text. Reload the page to try again."
          : "You are offline, and this meeting has not been opened in this browser before. Connect and reload.",
        { label: "Reload", run: () => window.location.reload() },
      )
      return
    }
    this.#handle = handle
    this.#openEditor(meetingRepo, handle, info.role)
  }

  async #loadInfo(): Promise<MeetingInfo | null> {
    const { meetingId, token } = this.#route
    try {
      const info = await this.#api.meeting(meetingId, token)
      cacheMeeting(info, token)
      return info
    } catch (error) {
      const apiError = error instanceof ApiError ? error : null
      if (apiError?.unreachable) {
        const cached = cachedMeeting(meetingId, token)
        if (cached) {
          this.#layout.banner.show(
            "The server cannot be reached.",
            "You can keep writing: your edits stay in this browser and are sent when the server is back.",
            undefined,
            UNREACHABLE,
          )
          return cached
        }
        this.#fail("The server cannot be reached.", "Check your connection, then reload this page.", true)
        return null
      }
      if (apiError?.status === 401) {
        this.#fail(
          "This link is not valid.",
          "It may be incomplete or mistyped. Ask the chair for the link again.",
          false,
        )
      } else if (apiError?.status === 403) {
        this.#fail("This link belongs to another meeting.", "Ask the chair for this meeting's link.", false)
      } else if (apiError?.status === 404) {
        this.#fail(
          "This meeting does not exist.",
          "The link may be wrong, or the meeting was created on another server.",
          false,
        )
      } else {
        this.#fail("The meeting cannot be opened.", apiError?.message ?? "Something unexpected went wrong.", true)
        console.error("Loading the meeting failed", error)
      }
      return null
    }
  }

  #fail(title: string, detail: string, offerReload: boolean): void {
    this.#layout.failEditor()
    this.#layout.banner.show(
      title,
      detail,
      offerReload ? { label: "Reload", run: () => window.location.reload() } : undefined,
    )
    this.#indicator.show({
      view: { kind: "error", text: "error", description: title },
      connected: false,
      pending: null,
      storedLocally: true,
    })
  }

  #openEditor(meetingRepo: MeetingRepo, handle: DocHandle<MinutesDoc>, role: Role): void {
    const doc = handle.doc()
    this.#lastStatus = readMetaString(doc.status)
    const closedAtStart = readMetaString(doc.status) === "closed" || this.#info?.status === "closed"
    const readOnly = role === "viewer" || closedAtStart
    const editor = new MinutesEditor(this.#layout.editorHost, handle, {
      readOnly,
      onCursor: (position, line) => this.#localCursorMoved(position, line),
    })
    this.#editor = editor
    this.#layout.editorReady()
    this.#layout.showReadOnly(readOnly ? (role === "viewer" ? "Read only" : "Closed") : null)

    const status = new SyncStatus(meetingRepo.repo, handle, meetingRepo.socket)
    this.#status = status
    status.onChange((snapshot) => {
      this.#lastSnapshot = snapshot
      this.#indicator.show(snapshot)
      this.#watchConnection(snapshot.connected)
    })
    meetingRepo.socket.on("peer-candidate", () => this.#presence?.reannounce())

    this.#startPresence(meetingRepo, handle, role)
    if (role === "chair") this.#layout.showChairControls(() => this.#askToClose())

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

  #startPresence(meetingRepo: MeetingRepo, handle: DocHandle<MinutesDoc>, role: Role): void {
    const chosen = storedName()
    const name = chosen ?? guestName()
    const presence = new MeetingPresence(handle, meetingRepo.repo.peerId, {
      name,
      color: storedColor(),
      role,
      cursor: null,
      line: 1,
    })
    this.#presence = presence
    const prompt = new NamePrompt(name, chosen !== null, (newName) => {
      rememberName(newName)
      presence.setName(newName)
    })
    this.#layout.showNamePrompt(prompt.element)
    presence.onChange(() => this.#presenceChanged())
    presence.start()
    this.#presenceChanged()
    window.addEventListener("pagehide", () => presence.stop())
  }

  #localCursorMoved(position: number, line: number): void {
    const handle = this.#handle
    if (!handle || !this.#presence) return
    let cursor: string | null = null
    try {
      cursor = A.getCursor(handle.doc(), ["body"], position)
    } catch (error) {
      // A position the document cannot name (should not happen); the line number still helps.
      console.debug("No Automerge cursor for position", position, error)
    }
    this.#presence.setCursor(cursor, line)
  }

  #presenceChanged(): void {
    const presence = this.#presence
    const editor = this.#editor
    const handle = this.#handle
    if (!presence || !editor || !handle) return
    const people = presence.people()
    this.#people.show(people)
    const doc = handle.doc()
    const state = editor.view.state
    const cursors: RemoteCursor[] = []
    for (const person of people) {
      if (person.self) continue
      const position = resolveCursor(doc, person.cursor) ?? lineStart(state.doc, person.line)
      if (position === null) continue
      cursors.push({ key: person.key, name: person.name, color: person.color, position })
    }
    editor.showRemoteCursors(cursors)
  }

  #documentChanged(): void {
    // Closing must show within a second everywhere: check it on every change, not debounced.
    const doc = this.#handle?.doc()
    const status = doc ? readMetaString(doc.status) : ""
    if (doc && status === "closed" && this.#closed === null) {
      this.#enterClosed(closedFactsOf(doc))
    }
    // The chair reopened the meeting for corrections: the page starts over, editable again.
    if (status === "open" && this.#lastStatus === "closed" && this.#closed !== null) window.location.reload()
    if (status) this.#lastStatus = status
    if (this.#derivedTimer !== undefined) return
    this.#derivedTimer = window.setTimeout(() => {
      this.#derivedTimer = undefined
      this.#refreshDerived()
    }, DERIVED_REFRESH_MS)
  }

  #refreshDerived(): void {
    const handle = this.#handle
    if (!handle) return
    const doc = handle.doc()
    const text = this.#editor?.text() ?? (typeof doc.body === "string" ? doc.body : "")
    this.#outline.show(parseOutline(text))
    this.#actionItems.show(parseActionItems(text))
    const subject = readMetaString(doc.meta?.subject) || this.#info?.meta.subject || ""
    const date = readMetaString(doc.meta?.updated) || this.#info?.meta.updated || ""
    this.#layout.showMeta(subject, date)
    this.#presenceChanged()
  }

  #toggleActionItem(item: ActionItem): void {
    const handle = this.#handle
    if (!handle || !this.#editor || this.#editor.readOnly) return
    // The list may be up to DERIVED_REFRESH_MS old: find the item again in the current text.
    const current = parseActionItems(this.#editor.text()).find(
      (candidate) => candidate.line === item.line && candidate.owner === item.owner && candidate.text === item.text,
    )
    if (!current) {
      this.#refreshDerived()
      return
    }
    handle.change((doc) => {
      A.splice(doc, ["body"], current.checkOffset, 1, current.done ? " " : "x")
    })
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
    const handle = this.#handle
    this.#editor?.setReadOnly(true)
    this.#status?.setClosed(true)
    this.#layout.showReadOnly("Closed")
    this.#layout.showClosedChairControls()
    this.#refreshDerived()

    // The document at the frozen heads is the final text; show it at once if we hold it.
    if (handle && this.#editor && this.#closed.heads.length > 0 && A.hasHeads(handle.doc(), this.#closed.heads)) {
      const frozen = A.view(handle.doc(), this.#closed.heads)
      if (typeof frozen.body === "string") this.#editor.freeze(frozen.body)
    }
    const updated = readMetaString(handle?.doc().meta?.updated) || this.#info?.meta.updated || "minutes"
    this.#finalPanel.reveal(this.#closed.by, this.#closed.at, `${updated}.md`)
    void this.#loadFinalText()
    this.#pollPublish()
  }

  async #loadFinalText(): Promise<void> {
    try {
      const markdown = await this.#api.minutesMarkdown(this.#route.meetingId, this.#route.token)
      this.#finalPanel.showText(markdown)
      const body = bodyOfMinutesFile(markdown)
      if (body !== null) this.#editor?.freeze(body)
    } catch (error) {
      console.error("Loading the final minutes failed", error)
      this.#finalPanel.showTextError(
        error instanceof ApiError
          ? `The final minutes could not be loaded: ${error.message}`
          : "The final minutes could not be loaded.",
      )
    }
  }

  #pollPublish(): void {
    window.clearTimeout(this.#publishTimer)
    void this.#api
      .meeting(this.#route.meetingId, this.#route.token)
      .then((info) => {
        this.#finalPanel.showPublish(info.publish)
        const settled = info.publish.length > 0 && info.publish.every((target) => target.state !== "pending")
        if (!settled) this.#publishTimer = window.setTimeout(() => this.#pollPublish(), PUBLISH_POLL_MS)
      })
      .catch((error: unknown) => {
        console.warn("Reading the publish status failed; trying again", error)
        this.#publishTimer = window.setTimeout(() => this.#pollPublish(), PUBLISH_POLL_MS * 2)
      })
  }

  #serverRefused(message: string): void {
    if (this.#closed !== null) {
      this.#layout.banner.show(
        "Some edits arrived after the meeting was closed.",
        "They are not part of the final minutes, which are shown below.",
      )
      return
    }
    this.#layout.banner.show("The server refused a change.", message)
    if (this.#info?.role === "viewer") this.#editor?.setReadOnly(true)
  }
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

function resolveCursor(doc: MinutesDoc, cursor: string | null): number | null {
  if (cursor === null) return null
  try {
    return A.getCursorPosition(doc, ["body"], cursor)
  } catch {
    // The cursor points into a change that has not reached us yet: fall back to the line.
    return null
  }
}

function lineStart(text: { lines: number; line(n: number): { from: number } }, line: number): number | null {
  if (line < 1 || line > text.lines) return null
  return text.line(line).from
}
