import { markdownLines } from "./markdownLines.js"

export interface ActionItem {
  readonly done: boolean
  /** Who owns the item; "" when the item names nobody. */
  readonly owner: string
  readonly text: string
  /** 1-based line number. */
  readonly line: number
  /** Offset of the line in the text. */
  readonly from: number
  /** Offset of the character between the brackets (" " or "x"), to toggle the item. */
  readonly checkOffset: number
}

// `- [ ] Owner: text` (open) or `- [x] Owner: text` (done), anywhere in the body (docs/contract.md §1).
// `*` and `+` bullets and indented (nested) items count too: they are list items all the same.
const TASK = /^(\s*[-*+][ \t]+\[)([ xX])\][ \t]+(.*\S)[ \t]*$/
// The owner is a short name before the first colon; a long prefix is a sentence, not a name.
const OWNER = /^([^:]{1,60}?):[ \t]*(.*)$/

/** The action items written in a Markdown text, in order. */
export function parseActionItems(text: string): ActionItem[] {
  const items: ActionItem[] = []
  for (const line of markdownLines(text)) {
    if (line.inCode) continue
    const task = TASK.exec(line.text)
    if (!task) continue
    const prefix = task[1] ?? ""
    const mark = task[2] ?? " "
    const rest = task[3] ?? ""
    const owned = OWNER.exec(rest)
    items.push({
      done: mark !== " ",
      owner: owned ? (owned[1] ?? "").trim() : "",
      text: owned ? (owned[2] ?? "").trim() : rest.trim(),
      line: line.number,
      from: line.from,
      checkOffset: line.from + prefix.length,
    })
  }
  return items
}
