import type { MeetingLinks } from "../types.js"
import { copyButton } from "./copyButton.js"
import { h } from "./dom.js"

const LINKS = [
  {
    key: "chair",
    testId: "link-chair",
    title: "Chair link",
    note: "For you: edit, and close the meeting at the end. Keep it private.",
  },
  { key: "edit", testId: "link-edit", title: "Edit link", note: "For attendees who write the minutes with you." },
  { key: "view", testId: "link-view", title: "View link", note: "Read only: for anyone who just follows along." },
] as const

const SERIES_NOTES = {
  chair: "For you: start each call, close it, reopen it for corrections. Keep it private.",
  edit: "For attendees: it opens the call in progress, every week the same link.",
  view: "Read only: the calls and their published minutes.",
} as const

/** The three links of a new meeting or series, each with a copy button. */
export function linksPanel(
  created: { readonly id: string; readonly links: MeetingLinks },
  heading: string,
  kind: "meeting" | "series" = "meeting",
): HTMLElement {
  const items = LINKS.map((link) => {
    const url = created.links[link.key]
    return h(
      "li",
      { class: "link-row" },
      h(
        "div",
        { class: "link-head" },
        h("strong", {}, link.title),
        " ",
        h("span", { class: "panel-note" }, kind === "series" ? SERIES_NOTES[link.key] : link.note),
      ),
      h(
        "div",
        { class: "link-line" },
        h("a", { href: url, class: "link-url", "data-testid": link.testId }, url),
        copyButton(() => url, `Copy the ${link.title.toLowerCase()}`, `copy-${link.testId}`),
      ),
    )
  })
  const titleId = `links-title-${created.id}`
  const panel = h(
    "section",
    { class: "card links", "data-testid": "meeting-links", "aria-labelledby": titleId, tabindex: -1 },
    h("h2", { id: titleId }, heading),
    h(
      "p",
      {},
      "Share these links. Whoever holds a link has its rights, so send each only to the people it is meant for.",
    ),
    h("ul", { class: "link-list" }, ...items),
    h(
      "p",
      {},
      h(
        "a",
        { class: "button button-primary", href: created.links.chair, "data-testid": "open-as-chair" },
        kind === "series" ? "Open the series as chair" : "Open the meeting as chair",
      ),
    ),
  )
  return panel
}
