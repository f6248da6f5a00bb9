import { indentLess, indentMore } from "@codemirror/commands"
import { EditorSelection, type EditorState, type Line, type StateCommand, type Transaction } from "@codemirror/state"
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

/** Lines a selection covers; a selection ending at a line's very start does not take that line. */
interface Block {
  readonly first: Line
  readonly last: Line
}

function selectedBlocks(state: EditorState): Block[] {
  const blocks: Block[] = []
  for (const range of state.selection.ranges) {
    const first = state.doc.lineAt(range.from)
    let last = state.doc.lineAt(range.to)
    if (!range.empty && range.to === last.from && last.number > first.number) last = state.doc.line(last.number - 1)
    const previous = blocks[blocks.length - 1]
    if (previous && previous.last.number >= first.number - 1) {
      blocks[blocks.length - 1] = {
        first: previous.first,
        last: last.number > previous.last.number ? last : previous.last,
      }
    } else {
      blocks.push({ first, last })
    }
  }
  return blocks
}

function moveBlocks(state: EditorState, dispatch: (tr: Transaction) => void, up: boolean): boolean {
  const blocks = selectedBlocks(state).filter((block) =>
    up ? block.first.number > 1 : block.last.number < state.doc.lines,
  )
  if (blocks.length === 0) return false
  const changes = []
  /** How far each moved block's positions shift, for the selection. */
  const shifts: { from: number; to: number; by: number }[] = []
  for (const { first, last } of blocks) {
    const text = state.sliceDoc(first.from, last.to)
    if (up) {
      const passed = state.doc.line(first.number - 1)
      changes.push({ from: passed.from, insert: `${text}\n` }, { from: passed.to, to: last.to })
      shifts.push({ from: first.from, to: last.to, by: passed.from - first.from })
    } else {
      const passed = state.doc.line(last.number + 1)
      // Written at the start of the line after the one passed, not at the end of the one passed,
      // where people type: letters typed there at the same moment would land after the moved block.
      const atEnd = passed.number === state.doc.lines
      const insert = atEnd ? { from: passed.to, insert: `\n${text}` } : { from: passed.to + 1, insert: `${text}\n` }
      changes.push({ from: first.from, to: passed.from }, insert)
      shifts.push({ from: first.from, to: last.to, by: passed.length + 1 })
    }
  }
  const shifted = (position: number) => {
    const shift = shifts.find((block) => position >= block.from && position <= block.to)
    return position + (shift?.by ?? 0)
  }
  const selection = EditorSelection.create(
    state.selection.ranges.map((range) => EditorSelection.range(shifted(range.anchor), shifted(range.head))),
    state.selection.mainIndex,
  )
  dispatch(state.update({ changes, selection, scrollIntoView: true, userEvent: "move.line" }))
  return true
}

export const moveLinesUp: StateCommand = ({ state, dispatch }) => moveBlocks(state, dispatch, true)
export const moveLinesDown: StateCommand = ({ state, dispatch }) => moveBlocks(state, dispatch, false)

/** `- `, `* `, `+ `, `1. `, `1) ` at a line's start (after any indentation), or the bare marker. */
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)/

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
