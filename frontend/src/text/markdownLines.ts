/** One line of a Markdown text with what the parsers need to know about it. */
export interface MarkdownLine {
  /** 1-based line number. */
  readonly number: number
  /** Offset of the line's first character in the whole text (UTF-16 units, as CodeMirror counts). */
  readonly from: number
  readonly text: string
  /** True when the line is inside a fenced code block (or is one of its fences). */
  readonly inCode: boolean
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/

/**
 * Splits a text into lines and marks fenced code blocks, so that neither headings nor action
 * items are found inside code.
 */
export function markdownLines(text: string): MarkdownLine[] {
  const lines: MarkdownLine[] = []
  let openFence: string | null = null
  let from = 0
  let number = 1
  for (const raw of text.split("\n")) {
    const fence = FENCE.exec(raw)?.[1]
    let inCode = openFence !== null
    if (fence !== undefined) {
      if (openFence === null) {
        openFence = fence
        inCode = true
      } else if (fence[0] === openFence[0] && fence.length >= openFence.length) {
        openFence = null
        inCode = true
      }
    }
    lines.push({ number, from, text: raw, inCode })
    from += raw.length + 1
    number += 1
  }
  return lines
}

/**
 * `text` as a reader sees it: Markdown's backslash escapes (`\[`, `\*`) shown as the characters
 * they escape, for lists that show a line's words outside the rendered minutes.
 */
export function withoutEscapes(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, "$1")
}
