import { commonmarkLanguage, markdownKeymap, pasteURLAsLink } from "@codemirror/lang-markdown"
import { LanguageSupport } from "@codemirror/language"
import { Prec } from "@codemirror/state"
import { keymap } from "@codemirror/view"

/**
 * CommonMark for the editors, as `markdown()` gives it (Enter continues a list, Backspace removes
 * its mark, a pasted URL over a selection becomes a link) without its embedded HTML language:
 * that default brings the HTML, CSS and JavaScript parsers (a sixth of the page's script) into
 * every page's first evaluation, only to colour the inside of inline HTML tags.
 */
export function minutesMarkdown(): LanguageSupport {
  return new LanguageSupport(commonmarkLanguage, [Prec.high(keymap.of(markdownKeymap)), pasteURLAsLink])
}
