import { type EditorState, type Extension, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state"
import { Decoration, type DecorationSet, EditorView, ViewPlugin, type ViewUpdate, WidgetType } from "@codemirror/view"

/** Where another person's cursor is, already resolved to a position in this editor. */
export interface RemoteCursor {
  readonly key: string
  readonly name: string
  /** Index into the fixed palette of `.peer-color-N` classes (no inline styles under our CSP). */
  readonly color: number
  readonly position: number
  /**
   * Where the person put their caret, as they sent it: it changes when they move or type, not
   * when others' typing shifts the position. A new mark shows their name again.
   */
  readonly mark: string
}

export const setRemoteCursors = StateEffect.define<readonly RemoteCursor[]>()

/**
 * Another person's caret with their name above it. The name hides a few seconds after the caret
 * last moved (style.css), so that it does not cover the line above for as long as they sit still.
 * Their own move (a new mark) makes a new widget and shows the name again; others typing above,
 * which only shifts the caret's position, does not.
 */
class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly color: number,
    readonly mark: string,
  ) {
    super()
  }

  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.color === this.color && other.mark === this.mark
  }

  toDOM(): HTMLElement {
    const caret = document.createElement("span")
    caret.className = `cm-remote-caret peer-color-${this.color}`
    caret.setAttribute("aria-hidden", "true")
    const label = document.createElement("span")
    label.className = "cm-remote-name"
    label.textContent = this.name
    caret.append(label)
    return caret
  }

  override ignoreEvent(): boolean {
    return true
  }
}

function decorationsFor(
  cursors: readonly RemoteCursor[],
  docLength: number,
  view: { lineAt(pos: number): { from: number } },
): DecorationSet {
  const placed = cursors
    .map((cursor) => ({ ...cursor, position: Math.max(0, Math.min(cursor.position, docLength)) }))
    .sort((a, b) => a.position - b.position)
  const builder = new RangeSetBuilder<Decoration>()
  // Line highlights and carets must be added in position order; a line start is never after
  // the caret on that line, so each cursor contributes its line first, then its caret.
  const ranges: { from: number; decoration: Decoration }[] = []
  const markedLines = new Set<number>()
  for (const cursor of placed) {
    const lineStart = view.lineAt(cursor.position).from
    if (!markedLines.has(lineStart)) {
      markedLines.add(lineStart)
      ranges.push({
        from: lineStart,
        decoration: Decoration.line({ class: `cm-remote-line peer-color-${cursor.color}` }),
      })
    }
    ranges.push({
      from: cursor.position,
      decoration: Decoration.widget({ widget: new CaretWidget(cursor.name, cursor.color, cursor.mark), side: 1 }),
    })
  }
  ranges.sort((a, b) => a.from - b.from || startSide(a.decoration) - startSide(b.decoration))
  for (const range of ranges) builder.add(range.from, range.from, range.decoration)
  return builder.finish()
}

function startSide(decoration: Decoration): number {
  return decoration.startSide
}

/**
 * A caret's name opens to the right of it, unless that would take it past the editor's right edge
 * (a caret at the end of a full line, on a phone): then it opens to the left (`.cm-remote-name-left`).
 * Measured after every update while others' carets show, in CodeMirror's measure phase.
 */
const namesInside = (carets: StateField<DecorationSet>) =>
  ViewPlugin.fromClass(
    class {
      constructor(readonly view: EditorView) {
        this.#place()
      }

      // On every update while others' carets show: CodeMirror may rebuild a caret's DOM for reasons
      // of its own (other decorations), without the class; requests within one frame are measured
      // once (`key`). Alone in the meeting, typing measures nothing.
      update(update: ViewUpdate): void {
        if (update.state.field(carets).size > 0) this.#place()
      }

      #place(): void {
        this.view.requestMeasure({
          key: this,
          read: (view) => {
            const right = view.scrollDOM.getBoundingClientRect().right
            return [...view.contentDOM.querySelectorAll<HTMLElement>(".cm-remote-caret")].flatMap((caret) => {
              const name = caret.querySelector<HTMLElement>(".cm-remote-name")
              return name ? [{ name, left: caret.getBoundingClientRect().left + name.offsetWidth > right }] : []
            })
          },
          write: (names) => {
            for (const { name, left } of names) name.classList.toggle("cm-remote-name-left", left)
          },
        })
      }
    },
  )

/** Other people's carets and their lines' tints, as decorations. */
const carets = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, transaction) {
    let next = decorations.map(transaction.changes)
    for (const effect of transaction.effects) {
      if (effect.is(setRemoteCursors)) {
        next = decorationsFor(effect.value, transaction.state.doc.length, transaction.state.doc)
      }
    }
    return next
  },
  provide: (f) => EditorView.decorations.from(f),
})

/** Shows other people's carets and highlights their current lines. */
export function remoteCursors(): Extension {
  return [carets, namesInside(carets)]
}

/** Where other people's carets are in this text now (none without `remoteCursors`). */
export function othersCarets(state: EditorState): number[] {
  const positions: number[] = []
  const cursor = state.field(carets, false)?.iter()
  for (; cursor?.value; cursor.next()) {
    if (cursor.value.spec.widget instanceof CaretWidget) positions.push(cursor.from)
  }
  return positions
}
