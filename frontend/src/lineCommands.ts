import { indentLess, indentMore } from "@codemirror/commands"
import {
  EditorSelection,
  type EditorState,
  type Line,
  type SelectionRange,
  type StateCommand,
  type Transaction,
} from "@codemirror/state"
import type { KeyBinding } from "@codemirror/view"

/**
 * Line commands that touch only the lines the person chose, so that others typing nearby keep
 * their words whole.
 *
 * CodeMirror's own Alt+↑/↓ moves a line by deleting the *neighbouring* line and writing a copy of
 * it on the other side. In a shared document that copy is stale: whoever was typing in that
 * neighbouring line saw their sentence cut in two and their caret carried into the moved line.
 * Here the chosen lines themselves are taken out and written back one line further, at a line's
 * start; the line they pass is not touched.
 */

/** Lines the selection covers (a range ending at a line's very start does not take that line), with its ranges. */
interface Block {
  readonly first: Line
  readonly last: Line
  /** Indexes of the selection's ranges in this block. */
  readonly ranges: readonly number[]
}

function selectedBlocks(state: EditorState): Block[] {
  const blocks: Block[] = []
  state.selection.ranges.forEach((range, index) => {
    const first = state.doc.lineAt(range.from)
    let last = state.doc.lineAt(range.to)
    if (!range.empty && range.to === last.from && last.number > first.number) last = state.doc.line(last.number - 1)
    const previous = blocks[blocks.length - 1]
    if (previous && previous.last.number >= first.number - 1) {
      blocks[blocks.length - 1] = {
        first: previous.first,
        last: last.number > previous.last.number ? last : previous.last,
        ranges: [...previous.ranges, index],
      }
    } else {
      blocks.push({ first, last, ranges: [index] })
    }
  })
  return blocks
}

function moveBlocks(state: EditorState, dispatch: (tr: Transaction) => void, up: boolean): boolean {
  if (state.readOnly) return false
  const blocks = selectedBlocks(state).filter((block) =>
    up ? block.first.number > 1 : block.last.number < state.doc.lines,
  )
  if (blocks.length === 0) return false
  const changes = []
  const ranges = [...state.selection.ranges]
  for (const { first, last, ranges: inBlock } of blocks) {
    const text = state.sliceDoc(first.from, last.to)
    let by: number
    if (up) {
      const passed = state.doc.line(first.number - 1)
      changes.push({ from: passed.from, insert: `${text}\n` }, { from: passed.to, to: last.to })
      by = passed.from - first.from
    } else {
      const passed = state.doc.line(last.number + 1)
      // Written at the start of the line after the one passed, not at the end of the one passed,
      // where people type: letters typed there at the same moment would land after the moved block.
      const atEnd = passed.number === state.doc.lines
      const insert = atEnd ? { from: passed.to, insert: `\n${text}` } : { from: passed.to + 1, insert: `${text}\n` }
      changes.push({ from: first.from, to: passed.from }, insert)
      by = passed.length + 1
    }
    // The whole range moves with its block, also an end at the next line's start (a line selected whole).
    for (const index of inBlock) {
      const range = state.selection.ranges[index] as SelectionRange
      ranges[index] = EditorSelection.range(range.anchor + by, range.head + by)
    }
  }
  const selection = EditorSelection.create(ranges, state.selection.mainIndex)
  const move = state.update({ changes, selection, scrollIntoView: true, userEvent: "move.line" })
  dispatch(move)
  // Redo would put the caret where the one from before the move maps to, outside the lines it
  // rewrote: setting it again on its own makes the history remember where the caret went.
  dispatch(move.state.update({ selection, userEvent: "select" }))
  return true
}

export const moveLinesUp: StateCommand = ({ state, dispatch }) => moveBlocks(state, dispatch, true)
export const moveLinesDown: StateCommand = ({ state, dispatch }) => moveBlocks(state, dispatch, false)

/**
 * `- `, `* `, `+ ` (also `- [ ] `) at a line's start, after any indentation, or the bare marker.
 * Not `1. `: two spaces do not nest an ordered item, and a nested ordered list that does not start
 * at 1 is not a list at all in CommonMark, so Tab there would change the text but not the minutes.
 */
const LIST_ITEM = /^\s*[-*+](?:\s|$)/

function inListItems(state: EditorState): boolean {
  return selectedBlocks(state).every(({ first, last }) => {
    for (let number = first.number; number <= last.number; number += 1) {
      if (!LIST_ITEM.test(state.doc.line(number).text)) return false
    }
    return true
  })
}

/**
 * Tab nests a list item one level, Shift+Tab takes it out one level. Anywhere else Tab keeps its
 * usual meaning (the next control), and Escape then Tab always leaves the text (CodeMirror's tab
 * focus mode), so the keyboard is never trapped.
 */
const nestListItem: StateCommand = (target) => inListItems(target.state) && indentMore(target)
const unnestListItem: StateCommand = (target) =>
  inListItems(target.state) &&
  selectedBlocks(target.state).some(({ first, last }) => {
    for (let number = first.number; number <= last.number; number += 1) {
      if (/^\s/.test(target.state.doc.line(number).text)) return true
    }
    return false
  }) &&
  indentLess(target)

export const lineKeymap: readonly KeyBinding[] = [
  { key: "Alt-ArrowUp", run: moveLinesUp },
  { key: "Alt-ArrowDown", run: moveLinesDown },
  { key: "Tab", run: nestListItem },
  { key: "Shift-Tab", run: unnestListItem },
]
