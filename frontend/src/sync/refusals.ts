/**
 * The server's refusals of changes for a meeting's size limits (docs/contract.md §4: `body-limit:`
 * and `change-limit:` error messages), worded for the person whose edit was refused.
 */
export function sizeLimitOf(message: string): { kind: "body" | "history"; detail: string } | null {
  const match = /^(body-limit|change-limit): /.exec(message)
  if (!match) return null
  if (match[1] === "body-limit") {
    const limit = /limit of ([\d,]+) characters/.exec(message)?.[1]
    return {
      kind: "body",
      detail: limit
        ? `A meeting's minutes may hold at most ${limit} characters.`
        : "A meeting's minutes have a size limit.",
    }
  }
  const limit = /limit of ([\d,]+) changes/.exec(message)?.[1]
  return {
    kind: "history",
    detail: limit ? `A meeting may hold at most ${limit} edits.` : "A meeting's history has a size limit.",
  }
}
