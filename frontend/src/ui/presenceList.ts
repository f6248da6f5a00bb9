import type { PersonHere } from "../presence.js"
import { h, replaceChildren } from "./dom.js"

const ROLE_WORD = { chair: "chair", editor: "editor", viewer: "viewer" } as const

/** Who is here: each person's colour (as on their caret), name, role and line (once they put their caret in the text). */
export class PresenceList {
  readonly element: HTMLUListElement

  constructor() {
    this.element = h("ul", { class: "people", "data-testid": "presence-list", "aria-label": "People here" })
  }

  show(people: readonly PersonHere[]): void {
    replaceChildren(
      this.element,
      ...people.map((person) =>
        h(
          "li",
          { class: "person", "data-self": person.self, "data-name": person.name, "data-color": person.color },
          h("span", { class: `person-dot peer-color-${person.color}`, "aria-hidden": "true" }),
          h("span", { class: "person-name" }, person.name, person.self ? " (you)" : ""),
          h(
            "span",
            { class: "person-meta" },
            person.line > 0 ? `${ROLE_WORD[person.role]} · line ${person.line}` : ROLE_WORD[person.role],
          ),
        ),
      ),
    )
  }
}
