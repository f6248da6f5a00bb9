import { HighlightStyle } from "@codemirror/language"
import { tags } from "@lezer/highlight"

/**
 * Markdown highlighting that stays readable as plain text: the minutes are published as this very
 * Markdown, so the editor shows the marks and only hints at their meaning. Colours come from CSS
 * classes (see style.css), which also handle dark mode.
 */
export const minutesHighlight = HighlightStyle.define([
  { tag: tags.heading, class: "md-heading" },
  { tag: tags.strong, class: "md-strong" },
  { tag: tags.emphasis, class: "md-emphasis" },
  { tag: tags.strikethrough, class: "md-strike" },
  { tag: [tags.link, tags.url], class: "md-link" },
  { tag: tags.monospace, class: "md-code" },
  { tag: tags.quote, class: "md-quote" },
  { tag: [tags.processingInstruction, tags.contentSeparator, tags.meta], class: "md-mark" },
  { tag: tags.list, class: "md-list" },
  { tag: tags.comment, class: "md-comment" },
])
