import type { EditorView } from "@codemirror/view"

/**
 * How long others' changes wait for a composition that has text in it and no input any more
 * (someone choosing a candidate, or a phone keyboard keeping the last word open until a space).
 * A change let in while such a word is open takes it in twice once the person goes on ("fridayfriday"
 * after a pause of 7 s, in Chromium), so they wait until the word ends; past this long pause they
 * come in anyway, as the person has most likely left the word: a page should not stop following
 * the meeting for good.
 */
const COMPOSED_PAUSE_MS = 30_000

/**
 * How long after the person's last input a composition without text yet counts as in progress:
 * CodeMirror reads a composition's text from the DOM a frame after the browser wrote it (later on
 * Android). Android also opens one whenever the caret rests in a word, which must not hold anything.
 */
const STARTING_PAUSE_MS = 1_000

/** The DOM events that come with every step of a composition. */
const INPUT_EVENTS = ["compositionstart", "compositionupdate", "beforeinput"] as const

/**
 * Tells whether the person is composing text with an input method right now: a phone keyboard
 * composes every word, a Japanese or Chinese input method every phrase. While they do, a change
 * dispatched into the composition's line rewrites the DOM text the browser composes in, and the
 * browser then took the composed word in a second time ("frfriday" for "friday").
 */
export class CompositionWatch {
  readonly #view: EditorView
  #lastInput = Number.NEGATIVE_INFINITY
  readonly #onInput = (): void => {
    this.#lastInput = performance.now()
  }

  constructor(view: EditorView) {
    this.#view = view
    for (const type of INPUT_EVENTS) view.contentDOM.addEventListener(type, this.#onInput, true)
  }

  get composing(): boolean {
    if (!this.#view.compositionStarted) return false
    const pause = performance.now() - this.#lastInput
    return pause < (this.#view.composing ? COMPOSED_PAUSE_MS : STARTING_PAUSE_MS)
  }

  destroy(): void {
    for (const type of INPUT_EVENTS) this.#view.contentDOM.removeEventListener(type, this.#onInput, true)
  }
}
