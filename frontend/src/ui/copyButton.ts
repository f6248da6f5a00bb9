import { h } from "./dom.js"

/**
 * A button that copies a text and says so. The Clipboard API needs a secure context; on plain
 * http (a LAN server) the old selection-based copy is the fallback.
 */
export function copyButton(text: () => string, label: string, testId?: string): HTMLButtonElement {
  const button = h("button", { type: "button", class: "button button-small", "data-testid": testId }, "Copy")
  button.setAttribute("aria-label", label)
  button.addEventListener("click", () => {
    void copyText(text()).then((copied) => {
      button.textContent = copied ? "Copied" : "Copy failed"
    })
  })
  // The outcome stays until the user moves on (pointer leaves or focus goes elsewhere), not for a guessed time.
  const reset = () => {
    button.textContent = "Copy"
  }
  button.addEventListener("mouseleave", reset)
  button.addEventListener("blur", reset)
  return button
}

export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch (error) {
      // Permission refused (e.g. the page is not focused): the selection-based copy may still work.
      console.info("Clipboard API refused the copy; trying the selection copy", error)
    }
  }
  const area = h("textarea", { class: "offscreen", readonly: true, "aria-hidden": "true" })
  area.value = text
  document.body.append(area)
  area.select()
  const copied = document.execCommand("copy")
  area.remove()
  return copied
}
