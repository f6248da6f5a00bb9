import { ApiError, type MinutesApi } from "../api.js"
import { FinalMinutesWatch } from "../closing/finalMinutesWatch.js"
import { notInFinal } from "../closing/lateEdits.js"
import type { MeetingCorrections } from "../corrections/meetingCorrections.js"
import type { MinutesEditor } from "../editor.js"
import { storedName } from "../identity.js"
import type { MeetingRoute } from "../links.js"
import { bodyOfMinutesFile } from "../text/minutesFile.js"
import type { MeetingInfo } from "../types.js"
import type { CloseDialog, HabitLines } from "../ui/closeDialog.js"
import type { FinalPanel } from "../ui/finalPanel.js"
import type { MeetingLayout } from "../ui/meetingLayout.js"
import type { MinutesPreview } from "../ui/minutesPreview.js"
import { reopenControl } from "../ui/reopenControl.js"

/** Who closed the meeting, when, and the heads its final minutes were frozen at. */
export interface ClosedFacts {
  readonly by: string
  readonly at: string
  readonly heads: readonly string[]
}

/** The facts of a close as the server states them (`closed` of a meeting or of a close's answer). */
export function closedFactsFrom(
  closed: { by?: string; at?: string; heads?: string[] } | null | undefined,
): ClosedFacts | null {
  if (!closed) return null
  return { by: closed.by ?? "", at: closed.at ?? "", heads: closed.heads ?? [] }
}

/** What the close needs of the page around it. */
export interface ClosingParts {
  readonly route: MeetingRoute
  readonly api: MinutesApi
  readonly layout: MeetingLayout
  readonly finalPanel: FinalPanel
  readonly closeDialog: CloseDialog
  readonly corrections: MeetingCorrections
  readonly preview: MinutesPreview
  readonly editor: () => MinutesEditor | null
  /** Shows the rendered minutes beside the editor, unless this browser chose the preview alone. */
  readonly showRendered: () => void
  /** Told once the page shows the meeting closed (for the series around it). */
  readonly closed?: () => void
}

/**
 * The end of a meeting in the page: the chair's close (the dialog, then the server's answer), and
 * once closed, by anyone, the final minutes: the editor frozen, the final panel, the chair's way to
 * reopen, and the published revision and publish outcomes as the server learns them.
 */
export class MeetingClosing {
  readonly #parts: ClosingParts

  constructor(parts: ClosingParts) {
    this.#parts = parts
  }

  /**
   * Asks the chair to confirm (`pending`: edits of this page not yet saved, or null if unknown), then
   * closes; `closed` is told the server's facts. A failure stays in the dialog, in its words.
   */
  askToClose(pending: number | null, closed: (facts: ClosedFacts) => void, habits: HabitLines | null = null): void {
    const { api, route, closeDialog, finalPanel } = this.#parts
    closeDialog.open(
      pending,
      async () => {
        try {
          const result = await api.close(route.meetingId, route.token, storedName())
          closed(closedFactsFrom(result.closed) ?? { by: "", at: "", heads: [] })
        } catch (error) {
          if (error instanceof ApiError) throw new Error(`Closing failed: ${error.message}`, { cause: error })
          throw error
        }
      },
      () => finalPanel.focus(),
      habits,
    )
  }

  /**
   * Loads the page anew on this meeting, open again for corrections. A page opened on a series'
   * call in progress goes to the call's own address: reopened, it is not the call in progress.
   */
  startOver(): void {
    const own = this.#parts.route.seriesCall
    if (own && own !== window.location.pathname + window.location.hash) window.location.assign(own)
    else window.location.reload()
  }

  /**
   * Shows the meeting closed for good. `frozenBody`: the text at the frozen heads when this page
   * holds them, shown at once; otherwise the published revision's text replaces the editor's when
   * it arrives. `fileName`: the final file's name, as the docs site will have it.
   */
  enter(facts: ClosedFacts, frozenBody: string | null, fileName: string): void {
    const { api, route, layout, preview, finalPanel, closeDialog } = this.#parts
    layout.showReadOnly("Closed")
    // Every page of the meeting reloads when it sees the document open again; this one at once.
    layout.showClosedChairControls(
      reopenControl(
        () => api.reopen(route.meetingId, route.token, storedName()),
        () => this.startOver(),
      ),
      route.seriesOverview ?? null,
    )
    if (frozenBody !== null) this.#freeze(frozenBody)
    this.#parts.showRendered()
    preview.changed()
    finalPanel.reveal(facts.by, facts.at, fileName)
    this.#parts.closed?.()
    // Closed from another tab or by another chair while this chair was about to.
    closeDialog.dismiss()
    this.#watchFinalMinutes()
  }

  /**
   * Shows the final text in the editor; what the editor showed beyond it (typed after the close,
   * or offline and sent too late) is not thrown away unsaid: the final panel lists it to copy.
   */
  #freeze(finalBody: string): void {
    const shown = this.#parts.editor()?.freeze(finalBody)
    const late = shown === undefined ? [] : notInFinal(shown, finalBody)
    if (late.length > 0) this.#parts.finalPanel.showLateEdits(late)
  }

  /** Until the published revision and every publish target's outcome are known. */
  #watchFinalMinutes(): void {
    const { api, route, corrections, finalPanel } = this.#parts
    const watch = new FinalMinutesWatch(() => api.meeting(route.meetingId, route.token), {
      isPublished: (info) => corrections.isNewlyPublished(info),
      published: (info) => this.#showFinalText(info),
      publishStatus: (targets) => finalPanel.showPublish(targets),
    })
    void watch.run().then(() => finalPanel.watchEnded())
  }

  /**
   * The final minutes file is the revision the close published (also what the corrections
   * compare). Rejects, after saying so, when it cannot be loaded: the watch asks again.
   */
  async #showFinalText(info: MeetingInfo): Promise<void> {
    const { corrections, finalPanel, preview } = this.#parts
    try {
      const markdown = await corrections.published(info)
      finalPanel.showText(markdown)
      const body = bodyOfMinutesFile(markdown)
      if (body !== null) this.#freeze(body)
      preview.changed()
    } catch (error) {
      console.error("Loading the final minutes failed", error)
      finalPanel.showTextError(
        error instanceof ApiError
          ? `The final minutes could not be loaded: ${error.message}`
          : "The final minutes could not be loaded.",
      )
      throw error
    }
  }
}
