import type { Config, DOMPurify } from "dompurify"
import MarkdownIt from "markdown-it"

/**
 * The docs site renders published minutes as strict CommonMark with raw HTML allowed, so the
 * preview does too: markdown-it's `commonmark` preset (raw HTML on, no linkify, no typographer).
 */
const commonMark = new MarkdownIt("commonmark")

/**
 * What the sanitizer keeps of the rendered HTML. HTML only (no SVG or MathML, which can load
 * resources of their own); no `style` attributes or elements (the page's CSP and its rule of no
 * inline styles); no forms or media (they would look like page controls, or load from other
 * origins, which the CSP blocks anyway); ids and names prefixed so raw HTML cannot clobber the
 * page's own elements.
 */
const SANITIZE: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "video",
    "audio",
    "source",
    "track",
    "picture",
  ],
  FORBID_ATTR: ["style", "srcset"],
  ALLOW_DATA_ATTR: false,
  SANITIZE_NAMED_PROPS: true,
}

/** Minutes Markdown to HTML, not yet sanitized: only {@link renderMinutes} hands it to the DOM. */
export function markdownToHtml(markdown: string): string {
  return commonMark.render(markdown)
}

/**
 * The minutes as the docs site will show them, as a sanitized fragment ready to insert. `purifier`
 * is a DOMPurify instance bound to the window the fragment is for; `origin` is the page's origin;
 * `site` the docs site's address when the server knows it (`MINUTES_PUBLISHED_URL`). Links leave
 * the page safely (a new tab, no opener, no referrer), and site-relative ones
 * (`/weekly/weekly-2014-05-27`, as minutes link each other) lead to the docs site, not to this
 * server; images show only when they come from the page's own origin (the CSP allows no other),
 * else they become a link to the image.
 */
export function renderMinutes(
  markdown: string,
  purifier: DOMPurify,
  origin: string,
  site: string | null = null,
): DocumentFragment {
  const fragment = purifier.sanitize(markdownToHtml(markdown), { ...SANITIZE, RETURN_DOM_FRAGMENT: true })
  for (const link of Array.from(fragment.querySelectorAll("a[href]"))) {
    if (site) toSite(link, site)
    else if (isSiteRelative(link.getAttribute("href") ?? "")) keepForTheSite(link)
    if (link.hasAttribute("href")) openSafely(link)
  }
  for (const image of Array.from(fragment.querySelectorAll("img"))) {
    if (!isSameOrigin(image.getAttribute("src"), origin)) image.replaceWith(imageStandIn(image, origin))
  }
  return fragment
}

function isSiteRelative(href: string): boolean {
  return href.startsWith("/") && !href.startsWith("//")
}

/**
 * A site-relative link (`/weekly/…`) with no docs site known: on this server it would lead to
 * "There is no page here". It stays in the text, as written, but is no link here; it works
 * where the minutes are published.
 */
function keepForTheSite(link: Element): void {
  const href = link.getAttribute("href") ?? ""
  link.removeAttribute("href")
  link.setAttribute("class", "site-path")
  link.setAttribute("title", `A page of the docs site (${href}): the link works where the minutes are published`)
}

/** `/path` → `<site>/path`; other addresses (absolute, `//host`, `#anchor`, relative) stay as written. */
function toSite(link: Element, site: string): void {
  const href = link.getAttribute("href") ?? ""
  if (!isSiteRelative(href)) return
  try {
    link.setAttribute("href", new URL(href, site).href)
  } catch {
    // Not an address the docs site could have either: left as it is.
  }
}

function openSafely(link: Element): void {
  if (link.getAttribute("href")?.startsWith("#")) return
  link.setAttribute("target", "_blank")
  link.setAttribute("rel", "noopener noreferrer")
}

/** True when `src` names an http(s) resource on `origin` (relative addresses resolve against it). */
export function isSameOrigin(src: string | null, origin: string): boolean {
  if (!src) return false
  try {
    const url = new URL(src, `${origin}/`)
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === origin
  } catch {
    return false
  }
}

/** An image the page may not load: its description, linked to the image when it is a web address. */
function imageStandIn(image: Element, origin: string): Element {
  const document = image.ownerDocument
  const src = image.getAttribute("src") ?? ""
  const alt = image.getAttribute("alt")?.trim()
  const label = `Image: ${alt || src || "(no address)"}`
  let url: URL | null = null
  try {
    url = new URL(src, `${origin}/`)
  } catch {
    url = null
  }
  const webAddress = url !== null && (url.protocol === "https:" || url.protocol === "http:")
  const standIn = document.createElement(webAddress ? "a" : "span")
  standIn.className = "image-link"
  standIn.textContent = label
  if (webAddress && url) {
    standIn.setAttribute("href", url.href)
    openSafely(standIn)
  }
  return standIn
}
