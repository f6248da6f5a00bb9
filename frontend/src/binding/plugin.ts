import { next as A, type Prop } from "@automerge/automerge/slim"
import type { DocHandle } from "@automerge/automerge-repo/slim"
import { type ChangeSet, type Extension, Prec } from "@codemirror/state"
import { ViewPlugin, type ViewUpdate } from "@codemirror/view"
import { UndoHistory } from "../undo/undoHistory.js"
import { undoKeymap } from "../undo/undoKeymap.js"
import { CompositionWatch } from "./composition.js"
import { type EditorSurface, snapshotOf, TextBinding } from "./textBinding.js"

/** A CodeMirror extension binding the editor to a document's text, and the text to start with. */
export interface TextBindingExtension {
  /** The document's text when the binding was made: the editor's initial text. */
  readonly text: string
  readonly extension: Extension
}

/**
 * Binds the editor to the text at `path` of `handle`'s document (see {@link TextBinding}). The
 * editor must be created with `text`; removing the extension (e.g. reconfiguring its compartment
 * to nothing) detaches the editor from the document for good.
 */
export function textBinding<T>(handle: DocHandle<T>, path: readonly Prop[]): TextBindingExtension {
  const snapshot = snapshotOf(handle, path)
  return { text: snapshot.text, extension: boundEditor((view) => new TextBinding(handle, path, view, snapshot.heads)) }
}

/**
 * Binds an editor that showed the document's text at `shownHeads` and has since been edited by the
 * person (`earlierEdits`, counted from that text), before the document was there: those edits are
 * written against `shownHeads`, so Automerge merges them with whatever the document gained since,
 * and the editor then catches up with the rest. The caller checked that the document holds
 * `shownHeads` (`A.hasHeads`).
 */
export function textBindingAfterEarlyEdits<T>(
  handle: DocHandle<T>,
  path: readonly Prop[],
  shownHeads: A.Heads,
  earlierEdits: ChangeSet,
): Extension {
  return boundEditor((view) => new TextBinding(handle, path, view, shownHeads, earlierEdits))
}

/**
 * The editor bound by the binding `create` makes, with this person's undo history over the
 * document (see undo/): the history lives and goes with the binding.
 */
function boundEditor<T>(create: (editor: EditorSurface) => TextBinding<T>): Extension {
  const plugin = ViewPlugin.define((view) => {
    const composition = new CompositionWatch(view)
    const binding = create({
      get state() {
        return view.state
      },
      dispatch: (spec) => view.dispatch(spec),
      get composing() {
        return composition.composing
      },
    })
    const history = new UndoHistory(() => binding.cursors())
    binding.listenEdits(history)
    // Changes that arrived between reading the snapshot and creating the view (and earlier
    // edits to write): not while the view is being set up, the write emits the handle's "change".
    queueMicrotask(() => binding.catchUp())
    return {
      history,
      update: (update: ViewUpdate) => binding.editorChanged(update.transactions),
      destroy: () => {
        binding.detach()
        composition.destroy()
      },
    }
  })
  // Before the editor's own keys, which do nothing (they keep the browser's undo out until now).
  return [plugin, undoKeymap((view) => view.plugin(plugin)?.history ?? null, Prec.highest)]
}

/**
 * How an editor is bound to the live document (`MinutesEditor.attach`). It is made here, where
 * Automerge is, so that the editor itself can show a text before Automerge is even loaded.
 */
export interface DocumentBinding {
  /**
   * The binding that writes what the person typed into the text shown (`earlyEdits`) into the
   * document; null when it cannot, because the document does not hold the heads that text was read at.
   */
  afterEarlyEdits(earlyEdits: ChangeSet): Extension | null
  /** The binding from the document's text as it is now. */
  fromNow(): TextBindingExtension
}

/** Binds to the text at `path` of `handle`'s document; the text shown before was read at `shownHeads`. */
export function documentBinding<T>(
  handle: DocHandle<T>,
  path: readonly Prop[],
  shownHeads: A.Heads | null,
): DocumentBinding {
  return {
    afterEarlyEdits: (earlyEdits) =>
      shownHeads && A.hasHeads(handle.doc(), shownHeads)
        ? textBindingAfterEarlyEdits(handle, path, shownHeads, earlyEdits)
        : null,
    fromNow: () => textBinding(handle, path),
  }
}
