import type { PersonHere } from "../presence.js"
import { h, replaceChildren } from "./dom.js"

const ROLE_WORD = { chair: "chair", editor: "editor", viewer: "viewer" } as const

/** Who is here: each person's colour (as on their caret), name, role and line (once they put their caret in the text). */
export class PresenceList {
  readonly element: HTMLElement
  readonly #list: HTMLUListElement
  readonly #stale: HTMLElement
  /** What presence said last, and what it said when the connection dropped (null while connected). */
  #shown: readonly PersonHere[] = []
  #whenDropped: readonly PersonHere[] | null = null

  constructor() {
    this.#list = h("ul", { class: "people", "data-testid": "presence-list", "aria-label": "People here" })
    this.#stale = h(
      "p",
      { class: "panel-note people-stale", "data-testid": "presence-stale", hidden: true },
      "Not connected: this is who was here when the connection dropped.",
    )
    this.element = h("div", { class: "people-here" }, this.#stale, this.#list)
  }

  /**
   * Offline, nobody's arrival, departure or caret reaches this page: the list is what it was when
   * the connection dropped, and says so (names muted, with a sentence) rather than pass for live.
   */
  setConnected(connected: boolean): void {
    if (connected === this.#stale.hidden) return
    this.#stale.hidden = connected
    this.#list.toggleAttribute("data-stale", !connected)
    this.#whenDropped = connected ? null : this.#shown
    this.show(this.#shown)
  }

  /**
   * `people` as presence knows them now. Offline, presence forgets the others one by one as their
   * messages stop coming, which is no news about them: those listed when the connection dropped
   * stay listed until it is back.
   */
  show(people: readonly PersonHere[]): void {
    const dropped = this.#whenDropped
    const shown = dropped
      ? [...people, ...dropped.filter((then) => !people.some((now) => now.key === then.key))]
      : people
    this.#shown = people
    replaceChildren(
      this.#list,
      ...shown.map((person) =>
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
