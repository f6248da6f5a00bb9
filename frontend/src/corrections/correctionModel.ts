import { diffLines } from "diff"
import type { PublishedRevision } from "../types.js"

/** One line of a comparison: added in the later text, removed from the earlier one, or kept. */
export interface DiffLine {
  readonly kind: "added" | "removed" | "kept"
  readonly text: string
}

/** Changed lines with a little unchanged context around them; `skipped` unchanged lines come before. */
export interface Hunk {
  readonly skipped: number
  readonly lines: readonly DiffLine[]
}

/** What changed between two texts, line by line. */
export interface LineComparison {
  readonly hunks: readonly Hunk[]
  /** Unchanged lines after the last hunk, folded away. */
  readonly skippedAfter: number
  readonly added: number
  readonly removed: number
}

/** One correction: a published revision compared with the one before it. */
export interface Correction {
  readonly revision: number
  readonly previous: number
  readonly by: string
  readonly at: string
  readonly comparison: LineComparison
}

/** Unchanged lines shown around each change, so a reader sees where it is. */
const CONTEXT_LINES = 2

/**
 * The line comparison of two texts, unchanged stretches folded to `context` lines either side of
 * each change. A missing newline at the very end is not a change of its own.
 */
export function compareLines(before: string, after: string, context = CONTEXT_LINES): LineComparison {
  const lines: DiffLine[] = []
  for (const part of diffLines(before, after, { ignoreNewlineAtEof: true })) {
    const kind = part.added ? "added" : part.removed ? "removed" : "kept"
    for (const text of splitLines(part.value)) lines.push({ kind, text })
  }
  return foldUnchanged(lines, context)
}

function splitLines(value: string): string[] {
  const lines = value.split("\n")
  if (lines.at(-1) === "") lines.pop()
  return lines
}

function foldUnchanged(lines: readonly DiffLine[], context: number): LineComparison {
  const shown = new Array<boolean>(lines.length).fill(false)
  lines.forEach((line, index) => {
    if (line.kind === "kept") return
    for (let i = Math.max(0, index - context); i <= Math.min(lines.length - 1, index + context); i++) shown[i] = true
  })
  const hunks: Hunk[] = []
  let skipped = 0
  let current: DiffLine[] | null = null
  lines.forEach((line, index) => {
    if (!shown[index]) {
      current = null
      skipped += 1
      return
    }
    if (current === null) {
      current = []
      hunks.push({ skipped, lines: current })
      skipped = 0
    }
    current.push(line)
  })
  return {
    hunks,
    skippedAfter: skipped,
    added: lines.filter((line) => line.kind === "added").length,
    removed: lines.filter((line) => line.kind === "removed").length,
  }
}

/**
 * Every correction of a meeting, newest first: each revision from 2 on against the one before it,
 * for the revisions whose published text is known.
 */
export function correctionsOf(
  revisions: readonly PublishedRevision[],
  texts: ReadonlyMap<number, string>,
): Correction[] {
  const corrections: Correction[] = []
  for (const published of revisions) {
    const after = texts.get(published.revision)
    const before = texts.get(published.revision - 1)
    if (published.revision < 2 || after === undefined || before === undefined) continue
    corrections.push({
      revision: published.revision,
      previous: published.revision - 1,
      by: published.by ?? "",
      at: published.at ?? "",
      comparison: compareLines(before, after),
    })
  }
  return corrections.sort((a, b) => b.revision - a.revision)
}

/** The revisions whose text a page needs to show every correction: 1 to `latest`, once there is a correction. */
export function revisionsToLoad(latest: number, reopened: boolean): number[] {
  if (latest < 1 || (latest < 2 && !reopened)) return []
  return Array.from({ length: latest }, (_, i) => i + 1)
}

/** "2 lines added, 1 removed", in words a person reads at a glance. */
export function changeSummary(comparison: Pick<LineComparison, "added" | "removed">): string {
  const { added, removed } = comparison
  if (added === 0 && removed === 0) return "No line changed"
  if (removed === 0) return `${lines(added)} added`
  if (added === 0) return `${lines(removed)} removed`
  return `${lines(added)} added, ${removed} removed`
}

function lines(count: number): string {
  return `${count} ${count === 1 ? "line" : "lines"}`
}

/** "Closed by Ada on …": who published a revision and when, leaving out what the server does not know. */
export function closedWords(by: string, at: string, formatWhen: (iso: string) => string): string {
  const who = by ? ` by ${by}` : ""
  const when = at ? ` on ${formatWhen(at)}` : ""
  return `Closed${who}${when}`
}
