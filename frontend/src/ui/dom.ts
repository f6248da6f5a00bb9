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

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, ...children)
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
