import { diffWordsWithSpace } from "diff"

/**
 * What a page showed that the final minutes do not hold: words typed after the meeting was
 * closed (or typed offline and sent too late), which the frozen text drops. Each stretch once, in
 * text order, trimmed; none when the page showed nothing beyond the final text.
 */
export function notInFinal(shown: string, final: string): string[] {
  return diffWordsWithSpace(final, shown)
    .filter((part) => part.added)
    .map((part) => part.value.trim())
    .filter((words) => words !== "")
}
