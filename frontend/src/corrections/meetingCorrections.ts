import { bodyOfMinutesFile, publishedName } from "../text/minutesFile.js"
import type { MeetingInfo } from "../types.js"
import { CorrectionsPanel } from "../ui/correctionsPanel.js"
import { type FinalPanel, formatWhen } from "../ui/finalPanel.js"
import { saveFile } from "../ui/saveFile.js"
import { compareLines, correctionsOf, revisionsToLoad } from "./correctionModel.js"

/** What the corrections need from the server. */
export interface CorrectionsSource {
  /** Published revision `n` of the minutes file (minutes.md?revision=n). */
  revisionText(revision: number): Promise<string>
}

/** Typing settles before the live comparison is computed again. */
const LIVE_REFRESH_MS = 300

/**
 * Corrections of a meeting's published minutes in the final panel: every correction against the
 * revision before once closed again, and while reopened, that the minutes are being corrected and
 * what changed since the last published revision. Published revisions never change, so each is
 * fetched once.
 */
export class MeetingCorrections {
  readonly #panel: CorrectionsPanel
  readonly #finalPanel: FinalPanel
  readonly #source: CorrectionsSource
  readonly #liveText: () => string
  readonly #texts = new Map<number, string>()
  /** The revision being corrected while the meeting is open again, else null. */
  #correcting: number | null = null
  #shown = ""
  #fileName = "minutes.md"
  #liveTimer: number | undefined

  constructor(finalPanel: FinalPanel, source: CorrectionsSource, liveText: () => string) {
    this.#finalPanel = finalPanel
    this.#source = source
    this.#liveText = liveText
    this.#panel = new CorrectionsPanel({
      download: (revision) => this.#download(revision),
      liveOpened: () => this.#refreshLive(),
    })
    finalPanel.showCorrections(this.#panel.element)
  }

  /** The page opened: a meeting open again after publishing is being corrected. */
  async opened(info: MeetingInfo): Promise<void> {
    const revision = info.revision ?? 0
    if (info.status !== "open" || revision < 1) return
    this.#correcting = revision
    this.#fileName = fileNameOf(info)
    this.#finalPanel.showCorrecting(revision, this.#fileName)
    this.#panel.showCorrecting(revision)
    await this.#show(info)
    const published = this.#texts.get(revision)
    if (published !== undefined) this.#finalPanel.showText(published)
  }

  /**
   * Whether `info` names a revision published by a close this page has not shown yet: the first
   * close, or the close that ended the correction this page showed.
   */
  isNewlyPublished(info: MeetingInfo): boolean {
    return info.status === "closed" && (info.revision ?? 0) > (this.#correcting ?? 0)
  }

  /**
   * The meeting was closed (now or before this page opened) and `info` names the revision that
   * published: the corrections show against the revisions before, and its text, the final minutes
   * file, is returned. Rejects if that text cannot be loaded.
   */
  async published(info: MeetingInfo): Promise<string> {
    const revision = info.revision ?? 0
    this.#correcting = null
    this.#panel.endCorrecting()
    this.#fileName = fileNameOf(info)
    await this.#show(info)
    await this.#load([revision])
    return this.#texts.get(revision) ?? ""
  }

  /** The live text changed: compare it again if someone is looking. */
  liveChanged(): void {
    if (this.#correcting === null || !this.#panel.liveOpen || this.#liveTimer !== undefined) return
    this.#liveTimer = window.setTimeout(() => {
      this.#liveTimer = undefined
      this.#refreshLive()
    }, LIVE_REFRESH_MS)
  }

  async #show(info: MeetingInfo): Promise<void> {
    const latest = info.revision ?? 0
    const key = `${info.status}:${latest}`
    if (key === this.#shown) return
    this.#shown = key
    try {
      await this.#load(revisionsToLoad(latest, this.#correcting !== null))
    } catch (error) {
      console.error("Loading the published revisions failed", error)
      this.#shown = "" // the next answer about the meeting tries again
      this.#panel.showError("The published revisions could not be loaded.")
      return
    }
    this.#panel.showCorrections(correctionsOf(info.revisions ?? [], this.#texts), formatWhen)
    this.#refreshLive()
  }

  async #load(revisions: readonly number[]): Promise<void> {
    const missing = revisions.filter((revision) => !this.#texts.has(revision))
    const texts = await Promise.all(missing.map((revision) => this.#source.revisionText(revision)))
    for (const [i, revision] of missing.entries()) this.#texts.set(revision, texts[i] ?? "")
  }

  /** The live text against the body of the revision being corrected (the front matter is the server's). */
  #refreshLive(): void {
    const revision = this.#correcting
    if (revision === null || !this.#panel.liveOpen) return
    const published = this.#texts.get(revision)
    if (published === undefined) {
      this.#panel.showLiveError(`Revision ${revision} is still loading.`)
      return
    }
    const body = bodyOfMinutesFile(published) ?? published
    this.#panel.showLive(revision, compareLines(body, this.#liveText()))
  }

  #download(revision: number): void {
    const text = this.#texts.get(revision)
    if (text === undefined) return
    const name = this.#fileName.replace(/\.md$/, "")
    saveFile(new Blob([text], { type: "text/markdown" }), `${name}.revision-${revision}.md`)
  }
}

/** The published file's name, as the publish status names it, else the meeting's date. */
function fileNameOf(info: MeetingInfo): string {
  const published = info.publish.map((target) => publishedName(target)).find((name) => name.endsWith(".md"))
  return published ?? `${info.meta.updated || "minutes"}.md`
}
