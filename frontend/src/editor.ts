import type { DocHandle } from "@automerge/automerge-repo"
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands"
import { markdown } from "@codemirror/lang-markdown"
import { syntaxHighlighting } from "@codemirror/language"
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search"
import { Compartment, EditorState, type Extension } from "@codemirror/state"
import { drawSelection, EditorView, highlightActiveLine, keymap, placeholder, type ViewUpdate } from "@codemirror/view"
import { actionItemEditing, convertToChecklist, insertActionItem, toggleActionItem } from "./actionItemCommands.js"
import { replaceAllTransaction } from "./binding/amToCodemirror.js"
import { textBinding } from "./binding/plugin.js"
import { minutesHighlight } from "./highlight.js"
import { type RemoteCursor, remoteCursors, setRemoteCursors } from "./remoteCursors.js"
import type { ActionItem } from "./text/actionItems.js"
import type { MinutesDoc } from "./types.js"

export interface EditorOptions {
  readonly readOnly: boolean
  /** Called when the local selection moves or the text changes under it. */
  readonly onCursor: (position: number, line: number) => void
  /** More behaviour (e.g. authorship colours). */
  readonly extensions?: Extension[]
}

/**
 * CodeMirror 6 bound to the document's `body` (see binding/). Read-only mode
 * switches both the state (no edit transactions) and the view (not contenteditable), so a viewer's
 * page or a closed meeting never even produces a change for the server to refuse.
 */
export class MinutesEditor {
  readonly view: EditorView
  readonly #editable = new Compartment()
  readonly #binding = new Compartment()
  #readOnly: boolean

  constructor(parent: HTMLElement, handle: DocHandle<MinutesDoc>, options: EditorOptions) {
    this.#readOnly = options.readOnly
    const binding = textBinding(handle, ["body"])
    const state = EditorState.create({
      doc: binding.text,
      extensions: [
        history(),
        actionItemEditing(),
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
        markdown(),
        syntaxHighlighting(minutesHighlight),
        EditorView.lineWrapping,
        placeholder("Write the minutes here…"),
        EditorView.contentAttributes.of({ "aria-label": "Minutes text", "aria-multiline": "true" }),
        remoteCursors(),
        options.extensions ?? [],
        this.#editable.of(editability(options.readOnly)),
        this.#binding.of(binding.extension),
        EditorView.updateListener.of((update: ViewUpdate) => {
          if (update.selectionSet || update.docChanged) {
            const head = update.state.selection.main.head
            options.onCursor(head, update.state.doc.lineAt(head).number)
          }
        }),
      ],
    })
    this.view = new EditorView({ state, parent })
    // Browser tests read the whole text here: CodeMirror renders only the visible lines.
    Object.defineProperty(parent, "minutesEditorText", { value: () => this.text(), configurable: true })
  }

  get readOnly(): boolean {
    return this.#readOnly
  }

  text(): string {
    return this.view.state.doc.toString()
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.#readOnly) return
    this.#readOnly = readOnly
    this.view.dispatch({ effects: this.#editable.reconfigure(editability(readOnly)) })
  }

  /**
   * Detaches the editor from the live document and shows `finalText` for good: after close the
   * frozen version is the truth, even if this browser still holds edits the server refused.
   */
  freeze(finalText: string): void {
    this.setReadOnly(true)
    // Two steps: the binding must be gone before the text is replaced, or the replacement would
    // be written back into the document as an edit.
    this.view.dispatch({ effects: this.#binding.reconfigure([]) })
    const replace = replaceAllTransaction(this.view.state, finalText)
    if (replace) this.view.dispatch(replace)
  }

  /** Moves the cursor to a line (given by its offset) and scrolls it to the top. */
  goTo(offset: number): void {
    const position = Math.min(offset, this.view.state.doc.length)
    this.view.dispatch({
      selection: { anchor: position },
      effects: EditorView.scrollIntoView(position, { y: "start", yMargin: 16 }),
    })
    this.view.focus()
  }

  /** Starts a new action item at the caret and offers the attendees as its owner. */
  addActionItem(): void {
    insertActionItem(this.view)
  }

  toggleActionItem(item: ActionItem): void {
    toggleActionItem(this.view, item)
  }

  convertActionItem(item: ActionItem): void {
    convertToChecklist(this.view, item)
  }

  showRemoteCursors(cursors: readonly RemoteCursor[]): void {
    this.view.dispatch({ effects: setRemoteCursors.of(cursors) })
  }

  destroy(): void {
    this.view.destroy()
  }
}

function editability(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]
}
