import { parseAttendees } from "./attendees.js"
import { markdownLines } from "./markdownLines.js"

/** An action item: a checklist line, or a line in one of the forms people type by habit. */
export interface ActionItem {
  /** `checklist`: `- [ ] Owner: text`; `habit`: `ACTION: Name to …`, `ACTION Name: …`, `TODO @name …`. */
  readonly form: "checklist" | "habit"
  readonly done: boolean
  /** Who owns the item; "" when the item names nobody. */
  readonly owner: string
  readonly text: string
  /** 1-based line number. */
  readonly line: number
  /** Offset of the line in the text. */
  readonly from: number
  /** Offset of the end of the line (before its line break). */
  readonly to: number
  /** Offset of the character between the brackets (" " or "x") of a checklist item; null for a habit. */
  readonly checkOffset: number | null
  /** A habit's line rewritten as a checklist item (same indentation, owner and text); null for a checklist item. */
  readonly checklist: string | null
}

// `- [ ] Owner: text` (open) or `- [x] Owner: text` (done), anywhere in the body (docs/contract.md §1).
// `*` and `+` bullets and indented (nested) items count too: they are list items all the same.
const TASK = /^(\s*[-*+][ \t]+\[)([ xX])\][ \t]+(.*\S)[ \t]*$/
// The owner is a short name before the first colon; a long prefix is a sentence, not a name.
const OWNER = /^([^:]{1,60}?):[ \t]*(.*)$/

// Habits, keyword in any case, optionally in a list item and emphasised (`**ACTION:**`):
// `ACTION: rest`, `ACTION Name: text`, `TODO: rest`, `TODO @name text`.
const HABIT_START = /^([ \t]*)(?:([-*+])[ \t]+|\d{1,9}[.)][ \t]+)?[*_]{0,2}(action|todo)\b[*_]{0,2}/i
const AFTER_COLON = /^[ \t]*:[*_]{0,2}[ \t]*(.*\S)[ \t]*$/
const NAMED_COLON = /^[ \t]+([^:]{1,60}?)[ \t]*:[*_]{0,2}[ \t]*(.*\S)[ \t]*$/
const HANDLE = /^[ \t]*:?[*_]{0,2}[ \t]*@([\p{L}\p{N}._-]{1,60}?)[.:,]?[ \t]+(.*\S)[ \t]*$/u
const NAME_TO = /^(.{1,60}?)[ \t]+to[ \t]+(.*\S)$/i
const NAME_WORD = /^(?:\p{Lu}[\p{L}'’.-]*|@[\p{L}\p{N}._-]+)$/u
const JOINING_WORDS = new Set(["and", "&"])

/** The action items written in a Markdown text, in order. */
export function parseActionItems(text: string): ActionItem[] {
  const items: ActionItem[] = []
  const names = nameWords(parseAttendees(text))
  for (const line of markdownLines(text)) {
    if (line.inCode) continue
    const item = checklistItem(line.text, line.number, line.from) ?? habitItem(line.text, line.number, line.from, names)
    if (item) items.push(item)
  }
  return items
}

function checklistItem(text: string, line: number, from: number): ActionItem | null {
  const task = TASK.exec(text)
  if (!task) return null
  const prefix = task[1] ?? ""
  const mark = task[2] ?? " "
  const rest = task[3] ?? ""
  const owned = OWNER.exec(rest)
  return {
    form: "checklist",
    done: mark !== " ",
    owner: owned ? (owned[1] ?? "").trim() : "",
    text: owned ? (owned[2] ?? "").trim() : rest.trim(),
    line,
    from,
    to: from + text.length,
    checkOffset: from + prefix.length,
    checklist: null,
  }
}

function habitItem(text: string, line: number, from: number, names: ReadonlySet<string>): ActionItem | null {
  const start = HABIT_START.exec(text)
  if (!start) return null
  const keyword = (start[3] ?? "").toLowerCase()
  const rest = text.slice(start[0].length)
  const parsed = keyword === "todo" ? todo(rest) : action(rest, names)
  if (!parsed) return null
  const indent = start[1] ?? ""
  const bullet = start[2] ?? "-"
  // The line's trailing white space stays: it is often the gap before the owner's next word, and
  // the conversion then leaves the words they are typing untouched (actionItemCommands.ts).
  const trailing = /[ \t]*$/.exec(text)?.[0] ?? ""
  const checklist = `${indent}${bullet} [ ] ${parsed.owner ? `${parsed.owner}: ` : ""}${parsed.text}${trailing}`
  return { form: "habit", done: false, ...parsed, line, from, to: from + text.length, checkOffset: null, checklist }
}

/** `TODO @name text`, `TODO: @name text`, `TODO: text` (a bare `TODO word` is prose, not an item). */
function todo(rest: string): { owner: string; text: string } | null {
  const handle = HANDLE.exec(rest)
  if (handle) return { owner: handle[1] ?? "", text: handle[2] ?? "" }
  const colon = AFTER_COLON.exec(rest)
  return colon ? { owner: "", text: colon[1] ?? "" } : null
}

/** `ACTION: Name to text`, `ACTION: Name: text`, `ACTION: text`, `ACTION Name: text`. */
function action(rest: string, names: ReadonlySet<string>): { owner: string; text: string } | null {
  const colon = AFTER_COLON.exec(rest)
  if (colon) {
    const what = colon[1] ?? ""
    const owned = OWNER.exec(what)
    if (owned && isName((owned[1] ?? "").trim(), names) && (owned[2] ?? "").trim()) {
      return { owner: (owned[1] ?? "").trim(), text: (owned[2] ?? "").trim() }
    }
    const to = NAME_TO.exec(what)
    if (to && isName(to[1] ?? "", names)) return { owner: (to[1] ?? "").trim(), text: to[2] ?? "" }
    return { owner: "", text: what }
  }
  const named = NAMED_COLON.exec(rest)
  if (named && isName(named[1] ?? "", names)) return { owner: (named[1] ?? "").trim(), text: named[2] ?? "" }
  return null
}

/**
 * Whether a few words name people rather than start a sentence ("Mindy", "Dave Scott and Anil",
 * not "talk" or "Items were"): capitalised words (or @handles), one to four, joined by "and"/"&"
 * for several people; when the minutes list attendees, one of the words must be part of a name.
 */
function isName(candidate: string, names: ReadonlySet<string>): boolean {
  const words = candidate
    .trim()
    .split(/[ \t,]+/)
    .filter((word) => word !== "")
  const nameWords = words.filter((word) => !JOINING_WORDS.has(word.toLowerCase()))
  if (nameWords.length === 0 || nameWords.length > 4 || !nameWords.every((word) => NAME_WORD.test(word))) return false
  if (names.size === 0) return true
  return nameWords.some((word) => names.has(word.replace(/^@/, "").toLocaleLowerCase()))
}

function nameWords(attendees: readonly string[]): Set<string> {
  const words = new Set<string>()
  for (const attendee of attendees) {
    for (const word of attendee.split(/\s+/)) if (word) words.add(word.toLocaleLowerCase())
  }
  return words
}

/**
 * What tells two lines for the same action item, as the server does (`ActionItems.identity`):
 * owner and text, ignoring case and runs of white space.
 */
function identity(item: ActionItem): string {
  const normalized = (words: string) => words.trim().replace(/\s+/g, " ").toLowerCase()
  return `${normalized(item.owner)}\n${normalized(item.text)}`
}

/**
 * The open and done items of one meeting's text, each item once, as the server counts them: an
 * item is done when any line ticks it (a call carries open items over into "Review previous
 * notes", and the item may be ticked where it was raised instead). `tickedOn` gives, for an
 * unticked line whose item another line ticks, that line's number.
 */
export function itemCounts(items: readonly ActionItem[]): {
  open: number
  done: number
  /** Lines written by habit: not action items to the server until made checklist items. */
  habits: number
  tickedOn: (item: ActionItem) => number | null
} {
  const ticked = new Map<string, number>()
  for (const item of items) {
    if (item.form === "checklist" && item.done && !ticked.has(identity(item))) ticked.set(identity(item), item.line)
  }
  const checklist = items.filter((item) => item.form === "checklist")
  const open = new Set(checklist.filter((item) => !item.done && !ticked.has(identity(item))).map(identity))
  return {
    open: open.size,
    done: ticked.size,
    habits: items.length - checklist.length,
    tickedOn: (item) => (item.done ? null : (ticked.get(identity(item)) ?? null)),
  }
}
