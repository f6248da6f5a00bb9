/**
 * The body of a published minutes file: everything after the front matter, byte for byte
 * (docs/contract.md §2). The front matter is the first `---` line through the next `---` line
 * (10 lines in the corpus layout). Returns null when the text has no front matter.
 */
export function bodyOfMinutesFile(markdown: string): string | null {
  if (!markdown.startsWith("---\n")) return null
  const end = markdown.indexOf("\n---\n", 3)
  if (end < 0) return null
  return markdown.slice(end + "\n---\n".length)
}

/**
 * The name to show for a published copy: `path` (relative to the published folder) when the server
 * gives it, else the last segment of `location` (a folder target's location is a path on the server,
 * which people need not see; a webhook's is its host).
 */
export function publishedName(target: { path?: string | null; location?: string | null }): string {
  if (target.path) return target.path
  return (target.location ?? "").split(/[\\/]/).pop() ?? ""
}
