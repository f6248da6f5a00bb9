import { markdownLines } from "./markdownLines.js"

export interface OutlineEntry {
  /** Heading level, 1 to 6. */
  readonly level: number
  readonly title: string
  /** 1-based line number of the heading. */
  readonly line: number
  /** Offset of the heading line in the text. */
  readonly from: number
}

// ATX headings only: the corpus writes `#### Title ####` (closed) and sometimes `#### Title`.
// Setext underlines are not used, and treating the corpus' `--` separator as one would be wrong.
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/

/** The headings of a Markdown text, in order, for navigating the minutes. */
export function parseOutline(text: string): OutlineEntry[] {
  const entries: OutlineEntry[] = []
  for (const line of markdownLines(text)) {
    if (line.inCode) continue
    const match = ATX_HEADING.exec(line.text)
    if (!match) continue
    const hashes = match[1] ?? ""
    // A closing run of #s needs a space before it, unless it is all there is (`## ##` is empty).
    const title = (match[2] ?? "").replace(/(?:^|[ \t]+)#+[ \t]*$/, "").trim()
    if (title === "") continue
    entries.push({ level: hashes.length, title, line: line.number, from: line.from })
  }
  return entries
}
