import type { MetaString } from "../types.js"

/**
 * Reads a string written either by a JS client (a plain string) or by the Java server (an
 * Automerge ImmutableString, which carries its value in `val`). Anything else reads as "".
 */
export function readMetaString(value: MetaString | unknown): string {
  if (typeof value === "string") return value
  if (value !== null && typeof value === "object" && "val" in value) {
    const inner = (value as { val: unknown }).val
    if (typeof inner === "string") return inner
  }
  return ""
}
