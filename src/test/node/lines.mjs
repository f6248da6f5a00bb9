// Shared plumbing of the test processes: JSON lines on stdin (commands) and stdout (replies and
// events), diagnostics on stderr. stdout carries nothing but one JSON object per line, because the
// Java harness (dev.minutes.support.NodeClient) parses every stdout line.
import { createInterface } from "node:readline"

/** Writes one JSON object as one stdout line. */
export function emit(object) {
  process.stdout.write(JSON.stringify(object, jsonReplacer) + "\n")
}

/** Diagnostics go to stderr; the harness shows them when a test fails. */
export function log(...parts) {
  process.stderr.write(`[${new Date().toISOString()}] ${parts.join(" ")}\n`)
}

/** Writes a last line and exits once it is flushed (process.exit would drop buffered pipe output). */
export function emitAndExit(object, code) {
  process.stdout.write(JSON.stringify(object, jsonReplacer) + "\n", () => process.exit(code))
}

/**
 * Parses `--name value` pairs and bare `--flag`s into an object ({ url: "...", noPong: true }).
 */
export function parseArgs(argv, known) {
  const options = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`)
    const name = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    if (!(name in known)) throw new Error(`unknown option ${arg}; known: ${Object.keys(known).join(", ")}`)
    if (known[name] === "flag") {
      options[name] = true
    } else {
      if (i + 1 >= argv.length) throw new Error(`option ${arg} needs a value`)
      options[name] = argv[++i]
    }
  }
  return options
}

/**
 * Runs `handle(command)` for every stdin line. Commands run one after the other in arrival order, so
 * a test may send several without waiting (a waitSaved sent after a type sees the typed text); a
 * command with `"concurrent":true` starts at once instead (e.g. a waitText that must not hold up
 * later commands). Each gets exactly one reply `{id, ok:true, ...result}` or
 * `{id, ok:false, error, ...error.details}`. End of stdin (the harness died or closed the pipe) calls
 * onEnd once the queued commands are done.
 */
export function serveCommands(handle, onEnd) {
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let previous = Promise.resolve()
  input.on("line", line => {
    if (line.trim() === "") return
    let command
    try {
      command = JSON.parse(line)
    } catch (e) {
      emit({ event: "bad-command", line, error: String(e) })
      return
    }
    const start = command.concurrent === true ? Promise.resolve() : previous
    const done = start
      .then(() => handle(command))
      .then(
        result => emit({ id: command.id, ok: true, ...(result ?? {}) }),
        error => {
          log(`command ${command.cmd} (id ${command.id}) failed:`, error?.stack ?? error)
          emit({ id: command.id, ok: false, error: error?.message ?? String(error), ...(error?.details ?? {}) })
        },
      )
    if (command.concurrent !== true) previous = done
  })
  input.on("close", () => previous.finally(onEnd))
}

/** Rejects after timeoutMs unless the promise settles first; the message names what was awaited. */
export function withTimeout(promise, timeoutMs, describe) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${timeoutMs} ms: ${describe()}`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export function toHex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")
}

export function fromHex(hex) {
  if (typeof hex !== "string" || !/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`not a hex string: ${hex}`)
  return new Uint8Array(Buffer.from(hex, "hex"))
}

/**
 * JSON has no bytes: byte arrays are written as hex strings. Looks at the original value (this[key])
 * because Buffer.toJSON has already turned a Buffer into {type, data} by the time `value` arrives.
 */
function jsonReplacer(key, value) {
  const original = this[key]
  if (original instanceof Uint8Array) return toHex(original)
  if (value instanceof ArrayBuffer) return toHex(new Uint8Array(value))
  if (typeof value === "bigint") return Number(value)
  return value
}
