import {
  autocompletion,
  type CompletionContext,
  type CompletionResult,
  startCompletion,
} from "@codemirror/autocomplete"
import {
  type ChangeDesc,
  EditorState,
  type Extension,
  MapMode,
  Prec,
  type Transaction,
  type TransactionSpec,
} from "@codemirror/state"
import { type Command, type EditorView, keymap } from "@codemirror/view"
import { type ActionItem, parseActionItems } from "./text/actionItems.js"
import { parseAttendees } from "./text/attendees.js"

/** The shortcut of {@link insertActionItem}, in CodeMirror's notation (Ctrl on Linux/Windows, Cmd on a Mac). */
export const ADD_ACTION_ITEM_KEY = "Mod-Shift-Enter"

const NEW_ITEM = "- [ ] "
// A top-level list item with nothing in it: `- `, `- [ ] `, `* [x]`.
const EMPTY_ITEM = /^ {0,3}[-*+][ \t]+(?:\[[ xX]\][ \t]*)?$/
const EMPTY_TASK = /^\s*[-*+][ \t]+\[[ xX]\][ \t]*$/
const LIST_INDENT = /^(\s*)[-*+][ \t]/
// The owner slot of a task item: after the box, before any colon.
const OWNER_SLOT = /^\s*[-*+][ \t]+\[[ xX]\][ \t]+([^:]*)$/

/**
 * Enter on an empty top-level list item (`- [ ] `, `- `) ends the list: the marker goes, that line
 * stays blank and the caret moves to the line after it, where a new paragraph starts (right below
 * an item, a line would still belong to the item). Markdown's own Enter would, on a list's second
 * item, push it down and keep it. Nested items are left to Markdown's Enter, which outdents them.
 */
export const endListOnEmptyItem: Command = (view) => {
  const { state } = view
  const range = state.selection.main
  if (state.selection.ranges.length > 1 || !range.empty) return false
  const line = state.doc.lineAt(range.head)
  if (range.head !== line.to || !EMPTY_ITEM.test(line.text)) return false
  view.dispatch({
    changes: { from: line.from, to: line.to, insert: state.lineBreak },
    selection: { anchor: line.from + state.lineBreak.length },
    userEvent: "input",
    scrollIntoView: true,
  })
  return true
}

/**
 * Starts a new action item `- [ ] ` on the caret's line if it is empty, else on a new line after
 * it, and opens the list of attendees to pick its owner from (the pick writes `Name: `).
 */
export const insertActionItem: Command = (view) => {
  const { state } = view
  if (state.readOnly) return false
  const line = state.doc.lineAt(state.selection.main.head)
  if (EMPTY_TASK.test(line.text)) {
    view.dispatch({ selection: { anchor: line.to }, scrollIntoView: true })
  } else if (line.text.trim() === "") {
    view.dispatch({
      changes: { from: line.from, to: line.to, insert: NEW_ITEM },
      selection: { anchor: line.from + NEW_ITEM.length },
      userEvent: "input",
      scrollIntoView: true,
    })
  } else {
    const insert = `\n${LIST_INDENT.exec(line.text)?.[1] ?? ""}${NEW_ITEM}`
    view.dispatch({
      changes: { from: line.to, insert },
      selection: { anchor: line.to + insert.length },
      userEvent: "input",
      scrollIntoView: true,
    })
  }
  view.focus()
  startCompletion(view)
  return true
}

/** The attendees of the minutes as owners for the task item at the caret (only when asked for). */
export function ownerCompletions(context: CompletionContext): CompletionResult | null {
  const line = context.state.doc.lineAt(context.pos)
  const slot = OWNER_SLOT.exec(line.text.slice(0, context.pos - line.from))
  if (!slot) return null
  const attendees = parseAttendees(context.state.doc.toString())
  if (attendees.length === 0) return null
  const typed = slot[1] ?? ""
  return {
    from: context.pos - typed.length,
    options: attendees.map((name) => ({ label: name, apply: `${name}: `, detail: "owner" })),
    validFor: /^[^:]*$/,
  }
}

/**
 * Ticks or unticks a checklist item, as this person's edit (Undo takes it back). `since`: the
 * edits made since `item` was read (see {@link currentItem}).
 */
export function toggleActionItem(view: EditorView, item: ActionItem, since: ChangeDesc | null = null): void {
  const current = currentItem(view, item, since)
  if (!current || current.checkOffset === null) return
  view.dispatch({
    changes: { from: current.checkOffset, to: current.checkOffset + 1, insert: current.done ? " " : "x" },
    userEvent: "input",
  })
}

/** Rewrites a habitual line (`ACTION: Name to …`) as a checklist item, and nothing else. */
export function convertToChecklist(view: EditorView, item: ActionItem, since: ChangeDesc | null = null): void {
  const current = currentItem(view, item, since)
  if (!current || current.checklist === null) return
  view.dispatch({
    changes: smallestChange(view.state.sliceDoc(current.from, current.to), current.checklist, current.from),
    userEvent: "input",
  })
}

/**
 * Rewrites every line written by habit as a checklist item, in one edit of this person's (one
 * Undo takes it back). Returns how many lines it rewrote.
 */
export function convertAllToChecklist(view: EditorView): number {
  const habits = parseActionItems(view.state.doc.toString()).filter((item) => item.checklist !== null)
  if (habits.length === 0) return 0
  view.dispatch({
    changes: habits.map((item) =>
      smallestChange(view.state.sliceDoc(item.from, item.to), item.checklist ?? "", item.from),
    ),
    userEvent: "input",
  })
  return habits.length
}

/**
 * The change that turns `before` (at `offset`) into `after`, touching only the stretch between
 * their common start and end: the words someone may be typing in the line at the same moment
 * (`ACTION: Ben to call the vendor` → `- [ ] Ben: call the vendor`) stay theirs and whole.
 */
function smallestChange(before: string, after: string, offset: number): { from: number; to: number; insert: string } {
  let start = 0
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1
  let end = 0
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end += 1
  }
  return { from: offset + start, to: offset + before.length - end, insert: after.slice(start, after.length - end) }
}

/**
 * The editor extensions for action items. The completion keymap comes first, so that Enter picks
 * an owner while the list of attendees is open, and ends an empty item only otherwise. The list
 * opens only when asked for (the button, the shortcut), so nobody presses Enter unaware of it:
 * Enter picks at once, however soon after the last letter typed (CodeMirror ignores it for 75 ms
 * by default, and a quick "Cy⏎" then started a new item instead of naming Cy Viewer).
 */
export function actionItemEditing(): Extension {
  return [
    autocompletion({ override: [ownerCompletions], activateOnTyping: false, icons: false, interactionDelay: 0 }),
    Prec.highest(keymap.of([{ key: "Enter", run: endListOnEmptyItem }])),
    keymap.of([{ key: ADD_ACTION_ITEM_KEY, run: insertActionItem, preventDefault: true }]),
    EditorState.transactionFilter.of(oneBoxPerItem),
  ]
}

/** An item continued by Enter (`- [ ] `) in which the person typed a box of their own. */
const DOUBLED_BOX = /^([ \t]*)([-*+][ \t]+\[ \][ \t]+)[-*+][ \t]+\[[ xX]\][ \t]$/

/**
 * Enter after an item starts the next with `- [ ] `; someone who then writes the item as the panel
 * shows it (`- [ ] Ben: …`) would get two boxes, and `- [ ] Ben` would be its owner in every later
 * call of a series. Typing the second box's last space drops the first box.
 */
function oneBoxPerItem(transaction: Transaction): TransactionSpec | readonly TransactionSpec[] {
  if (!transaction.docChanged || !transaction.isUserEvent("input.type")) return transaction
  const head = transaction.state.selection.main.head
  const line = transaction.state.doc.lineAt(head)
  const doubled = head === line.to ? DOUBLED_BOX.exec(line.text) : null
  if (!doubled) return transaction
  const from = line.from + (doubled[1] ?? "").length
  return [transaction, { changes: { from, to: from + (doubled[2] ?? "").length }, sequential: true }]
}

/**
 * The item as it is in the editor now: the panel's list may be a moment old and the text has
 * moved on. With `since` (the edits made since `item` was read) the item is on the line its box,
 * or its line's start, maps to, whatever was typed in it meanwhile (its owner may be writing in
 * it as someone ticks it); else, or when that line is no item of the same form any more, the item
 * of the same form, owner and text nearest to where it was.
 */
export function currentItem(view: EditorView, item: ActionItem, since: ChangeDesc | null = null): ActionItem | null {
  const items = parseActionItems(view.state.doc.toString())
  const mapped = since ? since.mapPos(item.checkOffset ?? item.from, 1, MapMode.TrackDel) : null
  if (mapped !== null) {
    const line = view.state.doc.lineAt(mapped).number
    const there = items.find((candidate) => candidate.line === line && candidate.form === item.form)
    if (there) return there
  }
  const candidates = items.filter(
    (candidate) => candidate.form === item.form && candidate.owner === item.owner && candidate.text === item.text,
  )
  candidates.sort((a, b) => Math.abs(a.line - item.line) - Math.abs(b.line - item.line))
  return candidates[0] ?? null
}
