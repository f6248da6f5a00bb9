import { h } from "./dom.js"

type Render = (markdown: string, site: string | null) => DocumentFragment

let renderer: Promise<Render> | undefined

/**
 * The renderer (markdown-it) and the sanitiser (DOMPurify), an eighth of the page's script, load
 * the first time a preview shows: most pages open in Edit, and their first view need not wait for
 * them. A failed load is tried again at the next render.
 */
function loadRenderer(): Promise<Render> {
  if (!renderer) {
    renderer = Promise.all([import("../render/minutesHtml.js"), import("dompurify")]).then(
      ([html, purify]) =>
        (markdown: string, site: string | null) =>
          html.renderMinutes(markdown, purify.default, window.location.origin, site),
    )
    renderer.catch(() => {
      renderer = undefined
    })
  }
  return renderer
}

/** Rendering at most this often keeps typing smooth in long minutes; the preview lags by at most this. */
const PREVIEW_REFRESH_MS = 250

/**
 * The minutes as the docs site will show them, following the text as it changes. Renders only
 * while visible, and at most every {@link PREVIEW_REFRESH_MS}: the first change renders at once,
 * later ones within the interval are folded into one render at its end.
 */
export class MinutesPreview {
  readonly element: HTMLElement
  /** What is rendered; the element also holds the preview's heading. */
  readonly #body: HTMLElement
  readonly #source: () => string
  #visible = false
  #dirty = true
  #timer: number | undefined
  #shown: string | null = null
  #site: string | null = null

  constructor(source: () => string) {
    this.#source = source
    this.#body = h("div", { class: "rendered" })
    // Minutes start at ###: the heading keeps the page's outline in order (h1, h2, then theirs).
    this.element = h(
      "article",
      { class: "preview", "data-testid": "preview", "aria-labelledby": "preview-title", tabindex: 0 },
      h("h2", { class: "visually-hidden", id: "preview-title" }, "The minutes as they will be published"),
      this.#body,
    )
  }

  /** The text changed. */
  changed(): void {
    this.#dirty = true
    if (!this.#visible || this.#timer !== undefined) return
    this.#render()
    this.#timer = window.setTimeout(() => this.#settle(), PREVIEW_REFRESH_MS)
  }

  /** The docs site's address (`MeetingInfo.site`): where the minutes' site-relative links lead. */
  setSite(site: string | null): void {
    if (site === this.#site) return
    this.#site = site
    this.#shown = null
    this.changed()
  }

  setVisible(visible: boolean): void {
    this.#visible = visible
    if (visible && this.#dirty) this.changed()
  }

  #settle(): void {
    this.#timer = undefined
    if (this.#dirty) this.changed()
  }

  #render(): void {
    this.#dirty = false
    const markdown = this.#source()
    if (markdown === this.#shown) return
    this.#shown = markdown
    loadRenderer().then(
      (render) => {
        // A later text may have been asked for meanwhile: only the latest is shown.
        if (this.#shown === markdown) this.#body.replaceChildren(render(markdown, this.#site))
      },
      (error: unknown) => {
        console.error("Loading the preview's renderer failed", error)
        this.#shown = null
        this.#body.replaceChildren(
          h("p", { class: "preview-unavailable" }, "The preview could not be loaded. Reload the page to try again."),
        )
      },
    )
  }
}
