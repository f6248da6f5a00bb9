import { ApiError, type ExportFormat, type MinutesApi } from "../api.js"
import { MeetingCorrections } from "../corrections/meetingCorrections.js"
import { MinutesEditor } from "../editor.js"
import type { MeetingRoute } from "../links.js"
import { cachedMeeting, cacheMeeting } from "../meetingCache.js"
import type { MeetingRepo } from "../repo.js"
import { parseActionItems } from "../text/actionItems.js"
import { parseOutline } from "../text/outline.js"
import type { MeetingInfo } from "../types.js"
import { ActionItemsPanel } from "../ui/actionItemsPanel.js"
import { CloseDialog } from "../ui/closeDialog.js"
import { afterNextPaint } from "../ui/dom.js"
import { FinalPanel } from "../ui/finalPanel.js"
import { MeetingLayout, UNREACHABLE } from "../ui/meetingLayout.js"
import { MinutesPreview } from "../ui/minutesPreview.js"
import { openingProblem } from "../ui/openingProblem.js"
import { OutlinePanel } from "../ui/outlinePanel.js"
import { PresenceList } from "../ui/presenceList.js"
import { showProblemPage } from "../ui/problemPage.js"
import { RecordBar } from "../ui/recordBar.js"
import { saveFile } from "../ui/saveFile.js"
import { StatusIndicator } from "../ui/statusIndicator.js"
import { storedViewMode, type ViewMode, ViewModeSwitch } from "../ui/viewModes.js"
import type { LiveMeeting, LivePageParts } from "./liveMeeting.js"
import { MeetingClosing } from "./meetingClosing.js"

/** Recomputing the outline and action items at most this often keeps typing smooth. */
const DERIVED_REFRESH_MS = 150

/**
 * Automerge, automerge-repo and all that is bound to the document, in a script of their own: the
 * page evaluates it while it waits for the meeting, not before it can show the text.
 */
const liveModule = () => import("./liveMeeting.js")
type LiveModule = Awaited<ReturnType<typeof liveModule>>
/** The live part's module, and the repo it made for this meeting. */
type Connected = { readonly module: LiveModule; readonly meetingRepo: MeetingRepo }

/** Every document URL starts so (the live part checks the rest). */
const DOCUMENT_URL_PREFIX = "automerge:"
const CANNOT_OPEN = "The minutes cannot be opened."
const BROKEN_ADDRESS = {
  title: CANNOT_OPEN,
  detail: "The server sent a broken document address. Tell its operator.",
}

/**
 * One meeting page. It asks the server for the meeting and shows its stored text at once, editable
 * where the role allows, with the outline, action items and preview; meanwhile the live part
 * (liveMeeting.ts) loads, connects and binds the same editor to the shared document. The server
 * remains the judge of roles; this page only avoids producing changes the server would refuse.
 */
export class MeetingPage {
  readonly #root: HTMLElement
  readonly #route: MeetingRoute
  readonly #api: MinutesApi
  readonly #layout: MeetingLayout
  readonly #indicator = new StatusIndicator()
  readonly #finalPanel = new FinalPanel()
  readonly #people = new PresenceList()
  readonly #preview = new MinutesPreview(() => this.#editor?.text() ?? "")
  readonly #outline: OutlinePanel
  readonly #actionItems: ActionItemsPanel
  readonly #recordBar: RecordBar
  readonly #viewSwitch: ViewModeSwitch
  /** What each correction changed, and while reopened what changed since the published revision. */
  readonly #corrections: MeetingCorrections
  readonly #closing: MeetingClosing
  #view: ViewMode = storedViewMode()
  #editor: MinutesEditor | null = null
  #live: LiveMeeting | null = null
  #derivedTimer: number | undefined

  /** `closed`: told once the page shows the meeting closed (a series page watches for the next call then). */
  constructor(root: HTMLElement, route: MeetingRoute, api: MinutesApi, closed?: () => void) {
    this.#root = root
    this.#route = route
    this.#api = api
    this.#outline = new OutlinePanel((entry) => this.#editor?.goToHeading(entry))
    this.#actionItems = new ActionItemsPanel(() => {
      const writable = this.#editor && !this.#editor.readOnly ? this.#editor : null
      return {
        select: (item, since) => this.#editor?.goToActionItem(item, since),
        toggle: writable ? (item, since) => writable.toggleActionItem(item, since) : null,
        convert: writable ? (item, since) => writable.convertActionItem(item, since) : null,
        add: writable ? () => writable.addActionItem() : null,
      }
    })
    this.#recordBar = new RecordBar({
      toggleAuthors: () => void this.#live?.record.toggleAuthors(),
      toggleHistory: () => void this.#live?.record.toggleHistory(),
      showSinceLastVisit: () => void this.#live?.record.showSinceLastVisit(),
      download: (format) => void this.#download(format),
      chooseAuthor: (name) => this.#live?.record.chooseAuthor(name),
    })
    this.#viewSwitch = new ViewModeSwitch(this.#view, (mode) => this.#showView(mode))
    this.#corrections = new MeetingCorrections(
      this.#finalPanel,
      { revisionText: (revision) => api.minutesMarkdown(route.meetingId, route.token, revision) },
      () => this.#editor?.text() ?? "",
    )
    const closeDialog = new CloseDialog()
    this.#layout = new MeetingLayout(root, {
      record: this.#recordBar.element,
      indicator: this.#indicator.element,
      announcer: this.#indicator.announcer,
      people: this.#people.element,
      outline: this.#outline.element,
      actionItems: this.#actionItems.element,
      finalPanel: this.#finalPanel.element,
      closeDialog: closeDialog.element,
      preview: this.#preview.element,
      viewSwitch: this.#viewSwitch.element,
    })
    this.#closing = new MeetingClosing({
      route,
      api,
      layout: this.#layout,
      finalPanel: this.#finalPanel,
      closeDialog,
      corrections: this.#corrections,
      preview: this.#preview,
      editor: () => this.#editor,
      closed,
      showRendered: () => {
        if (this.#view === "edit") this.#showView("split")
      },
    })
    this.#showView(this.#view)
  }

  async start(): Promise<void> {
    // The live part loads, Automerge compiles and the socket connects while the meeting is asked
    // for: a long meeting's document then starts arriving as soon as the page knows its address.
    const connecting = this.#connect()
    const info = await this.#loadInfo()
    if (!info) {
      this.#stopSyncing(connecting)
      return
    }
    if (!info.documentUrl.startsWith(DOCUMENT_URL_PREFIX)) {
      // Checked in full by the live part; a plain broken answer need not show its text first.
      console.error("The server named an invalid document URL", info.documentUrl)
      this.#stopSyncing(connecting)
      showProblemPage(this.#root, { ...BROKEN_ADDRESS, reload: false })
      return
    }
    void this.#corrections.opened(info)
    this.#preview.setSite(info.site ?? null)
    this.#layout.showMeta(info.meta.subject ?? "", info.meta.updated ?? "", info.meta.description ?? "")
    this.#layout.showRole(info.role)
    if (typeof info.body === "string") this.#showStoredText(info.body, mayEditEarly(info))

    const connected = await connecting
    if (!connected) {
      this.#cannotOpen({
        title: CANNOT_OPEN,
        detail: "This browser could not load the editor. Reload the page.",
        reload: true,
      })
      return
    }
    const live = new connected.module.LiveMeeting(this.#liveParts(info), connected.meetingRepo)
    this.#live = live
    const opening = await live.open()
    if (opening !== "opened") live.shutdown()
    switch (opening) {
      case "opened":
        return
      case "not-at-heads":
        this.#keepUnsavedText()
        return
      case "broken-address":
        this.#cannotOpen({ ...BROKEN_ADDRESS, reload: false })
        return
      case "not-sent":
        this.#cannotOpen({
          title: CANNOT_OPEN,
          detail: navigator.onLine
            ? "The server did not send this meeting's text. Try again in a moment."
            : "You are offline, and this meeting has not been opened in this browser before. Connect, then try again.",
          reload: true,
        })
    }
  }

  /** The page gave up on the meeting: its socket must not keep reconnecting behind the problem page. */
  #stopSyncing(connecting: Promise<Connected | null>): void {
    void connecting.then((connected) => connected?.module.stopSyncing(connected.meetingRepo))
  }

  /**
   * The live module, and the repo syncing this meeting once Automerge is ready; null (never a
   * rejection) when any of it cannot load.
   */
  async #connect(): Promise<Connected | null> {
    try {
      const module = await liveModule()
      const meetingRepo = await module.connectMeeting(this.#route)
      return meetingRepo ? { module, meetingRepo } : null
    } catch (error) {
      console.error("Loading the editor failed", error)
      return null
    }
  }

  #liveParts(info: MeetingInfo): LivePageParts {
    return {
      route: this.#route,
      info,
      layout: this.#layout,
      indicator: this.#indicator,
      people: this.#people,
      recordBar: this.#recordBar,
      closing: this.#closing,
      ensureEditor: (text: string, readOnly: boolean) => {
        this.#editor ??= this.#createEditor(text, readOnly)
        return this.#editor
      },
      editor: () => this.#editor,
      textChanged: () => {
        this.#preview.changed()
        this.#scheduleDerived()
      },
      refreshNow: () => {
        this.#preview.changed()
        this.#refreshDerived()
      },
    }
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
      showProblemPage(this.#root, problem)
      return null
    }
  }

  /**
   * The meeting cannot be opened: the page gives way to a page that says why and offers a way back,
   * unless the person typed into the text shown meanwhile.
   */
  #cannotOpen(problem: { title: string; detail: string; reload: boolean }): void {
    if (this.#editor?.hasEarlyEdits()) this.#keepUnsavedText()
    else showProblemPage(this.#root, problem)
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
      if (this.#live?.bound) return
      this.#preview.changed()
      this.#refreshDerived()
    })
  }

  #createEditor(text: string, readOnly: boolean): MinutesEditor {
    return new MinutesEditor(this.#layout.editorHost, text, {
      readOnly,
      onCursor: (position, line) => this.#live?.cursorMoved(position, line),
      // Before the document is there, what the person types still moves the outline and the rest.
      onEarlyEdit: () => {
        this.#preview.changed()
        this.#scheduleDerived()
      },
    })
  }

  #showView(mode: ViewMode): void {
    this.#view = mode
    this.#viewSwitch.show(mode)
    this.#layout.showView(mode)
    this.#preview.setVisible(mode !== "edit")
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
    const reading = this.#editor?.readForPanels()
    const text = reading?.text ?? ""
    this.#outline.show(parseOutline(text))
    this.#actionItems.show(parseActionItems(text), reading?.edits ?? null)
    const live = this.#live
    if (!live?.bound) return
    this.#corrections.liveChanged()
    live.refresh()
  }

  /** The meeting in a format from the server (any token may), saved as a file. */
  async #download(format: ExportFormat): Promise<void> {
    try {
      const { blob, fileName } = await this.#api.exportMeeting(this.#route.meetingId, this.#route.token, format)
      saveFile(blob, fileName)
    } catch (error) {
      console.error("The export failed", error)
      this.#layout.banner.show("The download failed.", error instanceof Error ? error.message : "The download failed.")
    }
  }
}

/**
 * The person may type into the text the server answered before the document arrives: it was read
 * at known heads (so their edits can be merged), the meeting is open and the role may write.
 */
function mayEditEarly(info: MeetingInfo): boolean {
  return info.role !== "viewer" && info.status === "open" && (info.heads?.length ?? 0) > 0
}
