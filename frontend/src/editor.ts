import { defaultKeymap } from "@codemirror/commands"
import { syntaxHighlighting } from "@codemirror/language"
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search"
import { type ChangeDesc, ChangeSet, Compartment, EditorState, type Extension } from "@codemirror/state"
import { drawSelection, EditorView, highlightActiveLine, keymap, placeholder, type ViewUpdate } from "@codemirror/view"
import {
  actionItemEditing,
  convertAllToChecklist,
  convertToChecklist,
  currentItem,
  insertActionItem,
  toggleActionItem,
} from "./actionItemCommands.js"
import { replaceAllTransaction } from "./binding/amToCodemirror.js"
import type { DocumentBinding } from "./binding/plugin.js"
import { minutesHighlight } from "./highlight.js"
import { lineKeymap } from "./lineCommands.js"
import { minutesMarkdown } from "./markdownLanguage.js"
import { type RemoteCursor, remoteCursors, setRemoteCursors } from "./remoteCursors.js"
import { type ActionItem, parseActionItems } from "./text/actionItems.js"
import { type OutlineEntry, parseOutline } from "./text/outline.js"
import { undoKeymap } from "./undo/undoKeymap.js"

/** The edits made in an editor since a reading of its text: places read then map through them. */
export interface EditsSince {
  readonly changes: ChangeDesc
  /** Stops following the editor: the reading is no longer used. */
  release(): void
}

export interface EditorOptions {
  readonly readOnly: boolean
  /**
   * Called when the local selection moves or the text changes under it, once the person has put
   * their caret in the text (see {@link MinutesEditor.caret}).
   */
  readonly onCursor: (position: number, line: number) => void
  /** Called when the person edits before the editor is bound (no document change tells then). */
  readonly onEarlyEdit?: () => void
}

/**
 * CodeMirror 6 bound to the document's `body` (see binding/). Read-only mode
 * switches both the state (no edit transactions) and the view (not contenteditable), so a viewer's
 * page or a closed meeting never even produces a change for the server to refuse.
 *
 * It can show a text before the document is there (the text the server stored, read-only) and be
 * bound to the document later ({@link attach}): the same view goes on, so nothing flashes, and the
 * caret and scroll position stay where the person put them.
 */
export class MinutesEditor {
  readonly view: EditorView
  readonly #editable = new Compartment()
  readonly #binding = new Compartment()
  /** What `attach` adds besides the binding (authorship): it stays when the editor is frozen. */
  readonly #attachedExtensions = new Compartment()
  #readOnly: boolean
  #attached = false
  /** The person clicked into the text before it was editable: their caret is already there. */
  #clickedBeforeAttached = false
  /** What the person typed before the editor was bound to the document (from its first text). */
  #earlyEdits: ChangeSet | null = null
  /** The person has put their caret in the text: only from then on is it reported (`onCursor`). */
  #caretPlaced = false
  /** The edits since each reading of the text still in use ({@link readForPanels}). */
  readonly #readings = new Set<{ changes: ChangeSet }>()

  constructor(parent: HTMLElement, text: string, options: EditorOptions) {
    this.#readOnly = options.readOnly
    const state = EditorState.create({
      doc: text,
      extensions: [
        // Undo comes with the binding (undo/): until then the keys must not reach the browser.
        undoKeymap(() => null),
        actionItemEditing(),
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([...lineKeymap, ...defaultKeymap, ...searchKeymap]),
        minutesMarkdown(),
        syntaxHighlighting(minutesHighlight),
        EditorView.lineWrapping,
        placeholder("Write the minutes here…"),
        EditorView.contentAttributes.of({ "aria-label": "Minutes text", "aria-multiline": "true" }),
        remoteCursors(),
        this.#editable.of(editability(options.readOnly)),
        this.#binding.of([]),
        this.#attachedExtensions.of([]),
        EditorView.domEventHandlers({
          mousedown: () => {
            if (!this.#attached) this.#clickedBeforeAttached = true
          },
        }),
        EditorView.updateListener.of((update: ViewUpdate) => {
          if (update.docChanged) {
            for (const reading of this.#readings) reading.changes = reading.changes.compose(update.changes)
          }
          if (update.docChanged && !this.#attached) {
            this.#earlyEdits = this.#earlyEdits ? this.#earlyEdits.compose(update.changes) : update.changes
            options.onEarlyEdit?.()
          }
          // Others' typing moves the selection too: until the person puts their caret in the text
          // (the editor gets the keyboard, or they click or select in it), there is none to report.
          const focused = update.focusChanged && update.view.hasFocus
          if (focused || update.transactions.some((tr) => tr.isUserEvent("select"))) this.#caretPlaced = true
          if (this.#caretPlaced && (focused || update.selectionSet || update.docChanged)) {
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

  /**
   * Binds the editor to the document (`binding`, see binding/plugin.ts): it shows the document's
   * text from now on (changing only what differs from the text shown so far) and writes this
   * person's edits into it. A person who clicked into the text before gets the keyboard there, so
   * they can type at once. `extensions` add behaviour that needs the document (e.g. authorship
   * colours).
   *
   * If the editor was editable before and the person typed, those edits are written against the
   * heads the text shown was read at, and merged like any concurrent edit. Returns false if there
   * were such edits and they could not be kept: the document does not hold those heads, or may not
   * be edited now (`readOnly`, e.g. closed meanwhile).
   */
  attach(binding: DocumentBinding, readOnly: boolean, extensions: Extension[] = []): boolean {
    this.#attached = true
    const earlyEdits = this.#earlyEdits
    this.#earlyEdits = null
    const keepingEdits = earlyEdits && !readOnly ? binding.afterEarlyEdits(earlyEdits) : null
    if (keepingEdits) {
      this.view.dispatch({
        effects: [this.#binding.reconfigure(keepingEdits), this.#attachedExtensions.reconfigure(extensions)],
      })
      this.setReadOnly(readOnly)
      return true
    }
    const fromNow = binding.fromNow()
    // Two steps: the text must match the document's before the binding starts watching the editor,
    // or the correction would be written back into the document as an edit.
    const catchUp = replaceAllTransaction(this.view.state, fromNow.text)
    if (catchUp) this.view.dispatch(catchUp)
    this.view.dispatch({
      effects: [this.#binding.reconfigure(fromNow.extension), this.#attachedExtensions.reconfigure(extensions)],
    })
    this.setReadOnly(readOnly)
    if (this.#clickedBeforeAttached && !readOnly && !focusIsElsewhere(this.view)) this.view.focus()
    return earlyEdits === null
  }

  /** Where the person's caret is, once they put it in the text; null before. */
  caret(): { position: number; line: number } | null {
    if (!this.#caretPlaced) return null
    const position = this.view.state.selection.main.head
    return { position, line: this.view.state.doc.lineAt(position).number }
  }

  /** The person typed before the editor was bound to the document: nothing of it is saved yet. */
  hasEarlyEdits(): boolean {
    return this.#earlyEdits !== null
  }

  get readOnly(): boolean {
    return this.#readOnly
  }

  text(): string {
    return this.view.state.doc.toString()
  }

  /**
   * The text, for the outline and the action items, and the edits made since: what they find in
   * it is acted on later, after more typing, by its place in this text mapped through those edits
   * (`toggleActionItem`, `goToActionItem`). The edits are followed until released.
   */
  readForPanels(): { text: string; edits: EditsSince } {
    const reading = { changes: ChangeSet.empty(this.view.state.doc.length) }
    this.#readings.add(reading)
    return {
      text: this.text(),
      edits: {
        get changes() {
          return reading.changes
        },
        release: () => this.#readings.delete(reading),
      },
    }
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.#readOnly) return
    this.#readOnly = readOnly
    this.view.dispatch({ effects: this.#editable.reconfigure(editability(readOnly)) })
  }

  /**
   * Detaches the editor from the live document and shows `finalText` for good: after close the
   * frozen version is the truth, even if this browser still holds edits the server refused.
   * Returns the text it showed until then.
   */
  freeze(finalText: string): string {
    const shown = this.text()
    this.setReadOnly(true)
    // Two steps: the binding must be gone before the text is replaced, or the replacement would
    // be written back into the document as an edit. What else `attach` added (who wrote what)
    // stays: the closed minutes are still somebody's text.
    this.view.dispatch({ effects: this.#binding.reconfigure([]) })
    const replace = replaceAllTransaction(this.view.state, finalText)
    if (replace) this.view.dispatch(replace)
    return shown
  }

  /**
   * Goes to a heading of the outline as it is now (the outline may be a moment old while others
   * type): the heading at the top, the caret at the start of the line after it, where the
   * section's text begins (not in front of the heading's `####`).
   */
  goToHeading(entry: OutlineEntry): void {
    const heading = nearest(
      parseOutline(this.text()).filter(
        (candidate) => candidate.level === entry.level && candidate.title === entry.title,
      ),
      entry.line,
    )
    const line = this.view.state.doc.line(Math.min(heading?.line ?? entry.line, this.view.state.doc.lines))
    const next = line.number < this.view.state.doc.lines ? this.view.state.doc.line(line.number + 1).from : line.to
    this.#goTo(next, line.from)
  }

  /** Goes to an action item as it is now: the caret at the end of its line, to go on writing it. */
  goToActionItem(item: ActionItem, since: ChangeDesc | null): void {
    const current = currentItem(this.view, item, since)
    const to = Math.min(current?.to ?? item.to, this.view.state.doc.length)
    this.#goTo(to, this.view.state.doc.lineAt(to).from)
  }

  #goTo(caret: number, top: number): void {
    this.view.dispatch({
      selection: { anchor: caret },
      effects: EditorView.scrollIntoView(top, { y: "start", yMargin: 16 }),
      // The person chose where to go: their caret is there now, also in a read-only editor.
      userEvent: "select",
    })
    this.view.focus()
  }

  /** Starts a new action item at the caret and offers the attendees as its owner. */
  addActionItem(): void {
    insertActionItem(this.view)
  }

  toggleActionItem(item: ActionItem, since: ChangeDesc | null): void {
    toggleActionItem(this.view, item, since)
  }

  convertActionItem(item: ActionItem, since: ChangeDesc | null): void {
    convertToChecklist(this.view, item, since)
  }

  /** Rewrites every line written by habit (`ACTION: …`) as a checklist item; how many. */
  convertAllActionItems(): number {
    return this.view.state.readOnly ? 0 : convertAllToChecklist(this.view)
  }

  /** How many lines are written by habit (`ACTION: …`) rather than as checklist items. */
  habitActionItems(): number {
    return parseActionItems(this.view.state.doc.toString()).filter((item) => item.form === "habit").length
  }

  showRemoteCursors(cursors: readonly RemoteCursor[]): void {
    this.view.dispatch({ effects: setRemoteCursors.of(cursors) })
  }

  destroy(): void {
    this.view.destroy()
  }
}

/** Something outside the editor has the keyboard (the person moved on to another control). */
function focusIsElsewhere(view: EditorView): boolean {
  const active = view.root.activeElement
  return active !== null && active !== view.dom.ownerDocument.body && !view.dom.contains(active)
}

function editability(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]
}

/** The candidate nearest to `line` (lines move while others type above). */
function nearest<T extends { readonly line: number }>(candidates: readonly T[], line: number): T | undefined {
  return [...candidates].sort((a, b) => Math.abs(a.line - line) - Math.abs(b.line - line))[0]
}
