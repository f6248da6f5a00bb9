// Writes a big meeting the way people do, for benchmarks: several authors, each an unmodified
// automerge-repo client process (src/test/node/client.mjs, driven by JSON lines), typing one
// character per change into their own section at the same time, and deleting a typo once a round.

import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "test", "node", "client.mjs")
const AUTHORS = [
  { name: "Ada", after: null },
  { name: "Ben", after: "#### Release ####\n" },
  { name: "Cy", after: "#### Testing ####\n" },
]
/** The agenda a written meeting needs: each author but the first writes under one of these. */
export const WRITER_AGENDA = ["Intro", "Release", "Testing"]
const ROUND_CHARACTERS = 500
const SAVE_TIMEOUT_MS = 300_000

/** One official client process, driven by JSON lines (see src/test/node/README.md). */
export class OfficialClient {
  #next = 1
  #waiting = new Map()

  constructor(syncUrl) {
    this.process = spawn(process.execPath, [CLIENT, "--url", syncUrl, "--memory-storage"], {
      stdio: ["pipe", "pipe", "inherit"],
    })
    createInterface({ input: this.process.stdout }).on("line", (line) => {
      const message = JSON.parse(line)
      const resolve = this.#waiting.get(message.id)
      if (!resolve) return
      this.#waiting.delete(message.id)
      resolve(message)
    })
  }

  async command(cmd, fields = {}) {
    const id = this.#next++
    const reply = new Promise((resolve) => this.#waiting.set(id, resolve))
    this.process.stdin.write(`${JSON.stringify({ id, cmd, ...fields })}\n`)
    const message = await reply
    if (!message.ok) throw new Error(`${cmd} failed: ${message.error}`)
    return message
  }

  close() {
    this.process.stdin.end()
  }
}

/** Words, so that the text wraps and reads like minutes. */
export function prose(name, round, length) {
  const words = `${name} notes item ${round}: decided to ship, then review the tests and the docs.`.split(" ")
  let text = ""
  for (let i = 0; text.length < length; i += 1) text += `${words[i % words.length]}${i % 12 === 11 ? "\n" : " "}`
  return text.slice(0, length)
}

/**
 * Grows `meeting` (created with WRITER_AGENDA) to about `changes` changes by three authors typing at
 * once, each round until the server stored it. Returns the final text, heads and how long it took.
 */
export async function writeMeeting(baseUrl, meeting, changes) {
  const sync = `${baseUrl.replace(/^http/, "ws")}/sync?token=${meeting.tokens.editor}`
  const clients = AUTHORS.map(() => new OfficialClient(sync))
  try {
    await Promise.all(clients.map((client) => client.command("find", { url: meeting.documentUrl })))
    const started = performance.now()
    let written = 0
    let round = 0
    while (written < changes) {
      round += 1
      const perAuthor = Math.min(ROUND_CHARACTERS, Math.ceil((changes - written) / AUTHORS.length) - 1)
      await Promise.all(
        clients.map(async (client, i) => {
          const { name, after } = AUTHORS[i]
          const { text } = await client.command("text")
          const at = after === null ? "end" : text.indexOf(after) + after.length
          const typo = `oops${name}${round} `
          await client.command("type", { text: typo + prose(name, round, perAuthor - typo.length), at, perChange: 1 })
          await client.command("deleteText", { text: typo })
        }),
      )
      await Promise.all(clients.map((client) => client.command("waitSaved", { timeoutMs: SAVE_TIMEOUT_MS })))
      written += (perAuthor + 1) * AUTHORS.length
    }
    await clients[0].command("waitSaved", { timeoutMs: SAVE_TIMEOUT_MS })
    const { text, heads } = await clients[0].command("text")
    return { text, heads, changes: written, rounds: round, seconds: (performance.now() - started) / 1000 }
  } finally {
    for (const client of clients) client.close()
  }
}
