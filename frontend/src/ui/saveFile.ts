import { h } from "./dom.js"

/** Saves `blob` as a download named `fileName` (no navigation, no inline script). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = h("a", { href: url, download: fileName, class: "offscreen" })
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own copy once started; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
