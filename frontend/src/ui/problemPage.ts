import { h, inPageLink, replaceChildren } from "./dom.js"

export interface Problem {
  /** What happened, in a sentence. */
  readonly title: string
  /** What it means and what to do next. */
  readonly detail: string
  /** Offer to reload: for problems that may go away (the network), not for a wrong link. */
  readonly reload?: boolean
  /** A better way on than the start page (e.g. the series' list of calls), shown first. */
  readonly next?: { readonly href: string; readonly label: string }
}

/**
 * A page of its own for a problem that leaves nothing to show (a bad link, an unknown meeting or
 * address, a server that cannot be reached): says what happened and offers a way back, instead of
 * a meeting page that never finishes loading.
 */
export function showProblemPage(root: HTMLElement, problem: Problem): void {
  const start = h(
    "a",
    { class: problem.next ? "button" : "button button-primary", href: "/", "data-testid": "start-link" },
    "Go to the start page",
  )
  const actions = h("p", { class: "problem-actions" })
  if (problem.next) {
    const { href, label } = problem.next
    actions.append(h("a", { class: "button button-primary", href, "data-testid": "problem-next" }, label), " ")
  }
  actions.append(start)
  if (problem.reload) {
    const reload = h("button", { type: "button", class: "button" }, "Try again")
    reload.addEventListener("click", () => window.location.reload())
    actions.append(" ", reload)
  }
  document.title = `${problem.title} · minutes`
  replaceChildren(
    root,
    inPageLink("main", "skip-link", "Skip to the content"),
    h("header", { class: "topbar" }, h("a", { class: "brand", href: "/" }, "minutes")),
    h(
      "main",
      { class: "start problem", id: "main", "data-testid": "problem-page" },
      h(
        "div",
        { class: "card", role: "alert", "data-testid": "error-banner" },
        h("h1", { class: "problem-title" }, problem.title),
        h("p", {}, problem.detail),
      ),
      actions,
    ),
  )
}
