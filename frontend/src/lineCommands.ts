import { indentLess, indentMore } from "@codemirror/commands"
import {
  type ChangeSpec,
  EditorSelection,
  type EditorState,
  type Line,
  type SelectionRange,
  type StateCommand,
  type Transaction,
} from "@codemirror/state"
import type { KeyBinding } from "@codemirror/view"
import { othersCarets } from "./remoteCursors.js"

/**
 * Line commands that touch only the lines the person chose, so that others typing nearby keep
 * their words whole.
 *
 * CodeMirror's own Alt+↑/↓ moves a line by deleting the *neighbouring* line and writing a copy of
 * it on the other side. In a shared document that copy is stale: whoever was typing in that
 * neighbouring line saw their sentence cut in two and their caret carried into the moved line.
 * Here the chosen lines themselves are taken out and written back one line further, at a line's
 * start, and the line they pass is not touched; unless another person's caret is in the chosen
 * lines and not in the one passed, which is then the one rewritten.
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

/** Some lines, from the first one's start to the last one's end. */
interface Lines {
  readonly from: number
  readonly to: number
}

/**
 * Swaps two runs of lines that follow each other by taking one out and writing it back on the other
 * side, always at a line's start: the end of a line is where people type, and letters typed there
 * at the same moment would land after the text written back.
 */
function swap(state: EditorState, upper: Lines, lower: Lines, takeUpper: boolean): ChangeSpec[] {
  if (!takeUpper) {
    return [
      { from: upper.from, insert: `${state.sliceDoc(lower.from, lower.to)}\n` },
      { from: upper.to, to: lower.to },
    ]
  }
  const text = state.sliceDoc(upper.from, upper.to)
  const lastLine = lower.to === state.doc.length
  return [
    { from: upper.from, to: lower.from },
    lastLine ? { from: lower.to, insert: `\n${text}` } : { from: lower.to + 1, insert: `${text}\n` },
  ]
}

function moveBlocks(state: EditorState, dispatch: (tr: Transaction) => void, up: boolean): boolean {
  if (state.readOnly) return false
  const blocks = selectedBlocks(state).filter((block) =>
    up ? block.first.number > 1 : block.last.number < state.doc.lines,
  )
  if (blocks.length === 0) return false
  const carets = othersCarets(state)
  const someoneIn = (lines: Lines) => carets.some((position) => position >= lines.from && position <= lines.to)
  const changes: ChangeSpec[] = []
  const ranges = [...state.selection.ranges]
  for (const { first, last, ranges: inBlock } of blocks) {
    const chosen = { from: first.from, to: last.to }
    const passed = state.doc.line(up ? first.number - 1 : last.number + 1)
    // The chosen lines are rewritten, unless someone else's caret is in them and not in the line
    // passed: then that line is (whoever is in the lines rewritten would see their words split).
    const takeChosen = !someoneIn(chosen) || someoneIn(passed)
    changes.push(...(up ? swap(state, passed, chosen, !takeChosen) : swap(state, chosen, passed, takeChosen)))
    // The whole range moves with its block, also an end at the next line's start (a line selected whole).
    const by = up ? passed.from - first.from : passed.length + 1
    for (const index of inBlock) {
      const range = state.selection.ranges[index] as SelectionRange
      ranges[index] = EditorSelection.range(range.anchor + by, range.head + by)
    }
  }
  const selection = EditorSelection.create(ranges, state.selection.mainIndex)
  dispatch(state.update({ changes, selection, scrollIntoView: true, userEvent: "move.line" }))
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

/** Every line the selection covers. */
function selectedLines(state: EditorState): Line[] {
  return selectedBlocks(state).flatMap(({ first, last }) =>
    Array.from({ length: last.number - first.number + 1 }, (_, i) => state.doc.line(first.number + i)),
  )
}

/**
 * Tab nests a list item one level, Shift+Tab takes it out one level. Anywhere else Tab keeps its
 * usual meaning (the next control), and Escape then Tab always leaves the text (CodeMirror's tab
 * focus mode), so the keyboard is never trapped.
 */
const nestListItem: StateCommand = (target) =>
  selectedLines(target.state).every((line) => LIST_ITEM.test(line.text)) && indentMore(target)
const unnestListItem: StateCommand = (target) => {
  const lines = selectedLines(target.state)
  return (
    lines.every((line) => LIST_ITEM.test(line.text)) &&
    lines.some((line) => /^\s/.test(line.text)) &&
    indentLess(target)
  )
}

export const lineKeymap: readonly KeyBinding[] = [
  { key: "Alt-ArrowUp", run: moveLinesUp },
  { key: "Alt-ArrowDown", run: moveLinesDown },
  { key: "Tab", run: nestListItem },
  { key: "Shift-Tab", run: unnestListItem },
]
