import { syntaxHighlighting } from "@codemirror/language"
import { EditorState, type Extension, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state"
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view"
import { minutesHighlight } from "../highlight.js"
import type { ChangeSegment } from "../history/protocol.js"
import { minutesMarkdown } from "../markdownLanguage.js"

/** How one segment of a comparison looks: the class colouring its author (null for kept text). */
export type SegmentClass = (segment: ChangeSegment) => string

/** Text removed between two states: shown struck through where it was, not part of the text. */
class RemovedText extends WidgetType {
  constructor(
    readonly text: string,
    readonly cls: string,
  ) {
    super()
  }

  override eq(other: RemovedText): boolean {
    return other.text === this.text && other.cls === this.cls
  }

  toDOM(): HTMLElement {
    const removed = document.createElement("del")
    removed.className = `cm-change-removed ${this.cls}`
    removed.textContent = this.text
    return removed
  }
}

const setSegments = StateEffect.define<DecorationSet>()

const segmentField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update: (value, transaction) => {
    for (const effect of transaction.effects) if (effect.is(setSegments)) return effect.value
    return value.map(transaction.changes)
  },
  provide: (field) => EditorView.decorations.from(field),
})

/**
 * A read-only view of the minutes at some point of their history, with what changed against an
 * earlier point: added text marked in its author's colour, removed text struck through in the
 * colour of who removed it.
 */
export class ChangeView {
  readonly view: EditorView

  constructor(parent: HTMLElement) {
    this.view = new EditorView({ state: EditorState.create({ doc: "", extensions: viewExtensions() }), parent })
    // Browser tests read the whole text here: CodeMirror renders only the visible lines.
    Object.defineProperty(parent, "minutesTimelineText", { value: () => this.text(), configurable: true })
  }

  text(): string {
    return this.view.state.doc.toString()
  }

  show(text: string, segments: readonly ChangeSegment[], classOf: SegmentClass): void {
    const builder = new RangeSetBuilder<Decoration>()
    for (const segment of segments) {
      if (segment.kind === "added" && segment.text.length > 0) {
        builder.add(
          segment.at,
          segment.at + segment.text.length,
          Decoration.mark({
            class: `cm-change-added ${classOf(segment)}`,
            attributes: { "data-actor": segment.actor },
          }),
        )
      } else if (segment.kind === "removed") {
        builder.add(
          segment.at,
          segment.at,
          Decoration.widget({ widget: new RemovedText(segment.text, classOf(segment)), side: -1 }),
        )
      }
    }
    const decorations = builder.finish()
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      effects: setSegments.of(decorations),
    })
    // Where the first change is: the reader should not have to hunt for it.
    const first = segments.find((segment) => segment.kind !== "kept")
    if (first) this.view.dispatch({ effects: EditorView.scrollIntoView(first.at, { y: "center" }) })
  }

  destroy(): void {
    this.view.destroy()
  }
}

function viewExtensions(): Extension[] {
  return [
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.lineWrapping,
    minutesMarkdown(),
    syntaxHighlighting(minutesHighlight),
    EditorView.contentAttributes.of({ "aria-label": "The minutes at this point of their history" }),
    segmentField,
  ]
}
