import type { MeetingInfo, PublishTarget } from "../types.js"

/** How often the server is asked while the revision the close published is not there yet. */
const REVISION_POLL_MS = 1000
/** How often once it is (or after QUICK_ASKS without it), while a publish target is pending. */
const PUBLISH_POLL_MS = 2000
const QUICK_ASKS = 30

/** What the page does with the server's answers after a close. */
export interface FinalMinutesListener {
  /**
   * Whether the answer names the revision this close published: a page that saw the close in the
   * document may ask before the server has published it.
   */
  isPublished(info: MeetingInfo): boolean
  /**
   * With the first answer that does: its text is the final minutes. Rejects when that text could
   * not be shown; the next answer tries again.
   */
  published(info: MeetingInfo): Promise<void>
  /** With every answer that names the close's revision: where it is being published, and how far. */
  publishStatus(targets: readonly PublishTarget[]): void
}

/**
 * After a close, one loop asks the server about the meeting until everything the page shows of it
 * is final: the published revision, and each publish target's outcome (delivered, or failed for
 * good; none when the server publishes nowhere). A failed ask is repeated at the slower pace.
 */
export class FinalMinutesWatch {
  readonly #ask: () => Promise<MeetingInfo>
  readonly #listener: FinalMinutesListener
  readonly #sleep: (ms: number) => Promise<void>

  constructor(
    ask: () => Promise<MeetingInfo>,
    listener: FinalMinutesListener,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms)),
  ) {
    this.#ask = ask
    this.#listener = listener
    this.#sleep = sleep
  }

  async run(): Promise<void> {
    let revisionSeen = false
    for (let asked = 1; ; asked++) {
      let answered = false
      try {
        const info = await this.#ask()
        answered = true
        // An answer from before the close names the revision before's jobs (a correction's page
        // asks at once): shown, they would read "published" for what is not.
        const current = revisionSeen || this.#listener.isPublished(info)
        if (current) this.#listener.publishStatus(info.publish)
        if (!revisionSeen && current) {
          revisionSeen = await this.#listener.published(info).then(
            () => true,
            () => false,
          )
        }
        if (revisionSeen && settled(info.publish)) return
      } catch (error) {
        console.warn("Reading the meeting after its close failed; trying again", error)
      }
      const quick = answered && !revisionSeen && asked < QUICK_ASKS
      await this.#sleep(quick ? REVISION_POLL_MS : PUBLISH_POLL_MS)
    }
  }
}

/**
 * Every target of the published revision has an outcome: delivered, or failed for good. The server
 * lists a revision's jobs before it names the revision, so none means it publishes nowhere.
 */
function settled(targets: readonly PublishTarget[]): boolean {
  return targets.every((target) => target.state !== "pending")
}
