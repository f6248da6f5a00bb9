import { markdownLines, withoutEscapes } from "./markdownLines.js"

// `Attendees: A, B and C`, also `*Attendees:*` and `*Attendees*:` (the corpus writes all three).
const LABEL = /^ {0,3}[*_]{0,2}attendees[*_]{0,2}[ \t]*:[ \t]*[*_]{0,2}[ \t]*/i
// A line that starts another block ends the paragraph.
const BLOCK_START = /^ {0,3}(?:#|>|[-*+][ \t]|\d+[.)][ \t]|```|~~~)/
const SEPARATOR = /\s*[,;&]\s*|\s+and\s+/
const LONGEST_NAME = 60

/**
 * The names in the minutes' Attendees paragraph (the first one; it may wrap over several lines),
 * in order, without "(chair)"-like remarks, Markdown emphasis or backslash escapes, each once.
 */
export function parseAttendees(text: string): string[] {
  const lines = markdownLines(text)
  const start = lines.findIndex((line) => !line.inCode && LABEL.test(line.text))
  const first = lines[start]
  if (first === undefined) return []
  const paragraph = [first.text.replace(LABEL, "")]
  for (const line of lines.slice(start + 1)) {
    if (line.inCode || line.text.trim() === "" || BLOCK_START.test(line.text)) break
    paragraph.push(line.text.trim())
  }
  const names: string[] = []
  const seen = new Set<string>()
  for (const part of paragraph.join(" ").split(SEPARATOR)) {
    const name = cleanName(part)
    const key = name.toLocaleLowerCase()
    if (name === "" || name.length > LONGEST_NAME || seen.has(key)) continue
    seen.add(key)
    names.push(name)
  }
  return names
}

function cleanName(raw: string): string {
  return withoutEscapes(raw.replace(/\([^)]*\)/g, " "))
    .replace(/[*_`]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.:]+$/, "")
    .trim()
}
