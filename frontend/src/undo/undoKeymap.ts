import { type Extension, Prec } from "@codemirror/state"
import { EditorView, keymap } from "@codemirror/view"
import type { UndoHistory } from "./undoHistory.js"

/**
 * Undo and redo on CodeMirror's keys (Mod-z; Mod-y, or Mod-Shift-z on a Mac and Ctrl-Shift-z on
 * Linux) and on the browser's own commands (Edit menu, a phone's undo gesture), with the history
 * `find` gives for the editor. With none (the editor is not bound to the document yet) the keys
 * do nothing: the browser's undo would change the text behind CodeMirror's back. The binding's
 * must come first (`precedence`): CodeMirror runs no input handler after one prevented the event.
 */
export function undoKeymap(
  find: (view: EditorView) => UndoHistory | null,
  precedence: (extension: Extension) => Extension = Prec.high,
): Extension {
  const undo = (view: EditorView) => find(view)?.undo(view) ?? false
  const redo = (view: EditorView) => find(view)?.redo(view) ?? false
  return precedence([
    keymap.of([
      { key: "Mod-z", run: undo, preventDefault: true },
      { key: "Mod-y", mac: "Mod-Shift-z", run: redo, preventDefault: true },
      { linux: "Ctrl-Shift-z", run: redo, preventDefault: true },
    ]),
    EditorView.domEventHandlers({
      beforeinput(event, view) {
        const command = event.inputType === "historyUndo" ? undo : event.inputType === "historyRedo" ? redo : null
        if (command === null) return false
        event.preventDefault()
        return command(view)
      },
    }),
  ])
}
