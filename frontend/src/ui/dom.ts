type Child = Node | string | null | undefined | false
type Attributes = Record<string, string | number | boolean | null | undefined>

/**
 * Builds an element. Attributes set to false/null/undefined are left out, true gives an empty
 * attribute. Never sets `style`: the page's CSP forbids inline styles, so looks come from classes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    element.setAttribute(name, value === true ? "" : String(value))
  }
  append(element, ...children)
  return element
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child)
  }
}

/**
 * A link to an element of this page that leaves the address alone. The address carries the
 * person's token in its fragment (`#token=…`); following `#id` would replace it, and a reload or a
 * bookmark would then lose the meeting. Gives the keyboard to the target, as following it would;
 * `focusInstead` may take the keyboard somewhere better (true when it did).
 */
export function inPageLink(
  targetId: string,
  className: string,
  label: string,
  focusInstead: () => boolean = () => false,
): HTMLAnchorElement {
  const link = h("a", { class: className, href: `#${targetId}` }, label)
  link.addEventListener("click", (event) => {
    // A new tab or window asked for (modifier keys, middle button): the browser's to open.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    if (focusInstead()) return
    const target = document.getElementById(targetId)
    if (!target) return
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.tabIndex = -1
    target.focus()
  })
  return link
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, ...children)
}

/**
 * Replaces the children of a list that is rebuilt as the text changes (the outline, the action
 * items), without taking the keyboard away from whoever is on it: nothing is rebuilt when
 * `signature` (what the list shows, not where: lines move whenever someone types above) is what
 * it was, so a control keeps its element, even between a key's press and release; otherwise the
 * control with the focused control's `data-focus-key` gets the focus back. Returns the signature
 * to pass next time.
 */
export function rebuildKeepingFocus(
  list: Element,
  signature: string,
  previous: string | null,
  build: () => Child[],
): string {
  if (signature === previous) return signature
  keepingFocus(
    list,
    (element) => element.getAttribute("data-focus-key"),
    () => replaceChildren(list, ...build()),
  )
  return signature
}

/**
 * Runs `redraw` (which replaces what `container` holds) and gives the keyboard back to the new
 * element `keyOf` tells is the same as the one that had it (null: an element it cannot tell).
 */
export function keepingFocus(
  container: Element,
  keyOf: (element: HTMLElement) => string | null,
  redraw: () => void,
): void {
  const focused = document.activeElement
  const key = focused instanceof HTMLElement && container.contains(focused) ? keyOf(focused) : null
  redraw()
  if (key === null) return
  const again = [...container.querySelectorAll<HTMLElement>("*")].find((element) => keyOf(element) === key)
  again?.focus({ preventScroll: true })
}

/** `label#n` for the n-th time each label comes: keys that stay put when lines move. */
export function occurrenceKeys(labels: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1
    seen.set(label, n)
    return `${label}#${n}`
  })
}

/** Runs `run` once the next frame is painted: for work that need not hold back what is shown. */
export function afterNextPaint(run: () => void): void {
  requestAnimationFrame(() => setTimeout(run, 0))
}

/** A unique id for label/field pairs. */
let nextId = 0
export function uniqueId(prefix: string): string {
  nextId += 1
  return `${prefix}-${nextId}`
}
