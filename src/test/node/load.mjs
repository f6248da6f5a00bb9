// Loads saved Automerge documents with the official library, unchanged, as a reader of the
// server's `export?format=automerge` would: `A.load(bytes)` without options.
//
//   node load.mjs
//
// Commands (JSON lines, see lines.mjs):
//   load {path}  -> {heads, changes, doc}   doc as plain JSON (ImmutableStrings as strings)
import { readFile } from "node:fs/promises"
import * as A from "@automerge/automerge"
import { serveCommands } from "./lines.mjs"

/** Plain JSON of a document: ImmutableStrings become strings, Counters numbers. */
function plain(value) {
  if (value === null || value === undefined) return value ?? null
  if (A.isImmutableString(value)) return value.toString()
  if (value instanceof A.Counter) return value.value
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

const commands = {
  async load({ path }) {
    const doc = A.load(new Uint8Array(await readFile(path)))
    return { heads: A.getHeads(doc), changes: A.getAllChanges(doc).length, doc: plain(A.toJS(doc)) }
  },
}

serveCommands(
  async command => {
    const run = commands[command.cmd]
    if (!run) throw new Error(`unknown command ${command.cmd}`)
    return run(command)
  },
  () => process.exit(0),
)
