// The worker's side of its conversation with the Java load tool: one JSON object per line on stdin
// (commands) and stdout (replies and events). stdout carries nothing else; diagnostics go to stderr.
import { createInterface } from "node:readline"

/** One JSON object as one stdout line. */
export function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`)
}

export function log(...parts) {
  process.stderr.write(`[worker ${process.pid}] ${parts.join(" ")}\n`)
}

/**
 * Runs `handle(command)` for every stdin line, in arrival order, each answered `{id, ok:true, ...}` or
 * `{id, ok:false, error}`; a command without an id gets no reply (relayed ledger entries). End of
 * stdin (the tool ended or died) calls onEnd.
 */
export function serveCommands(handle, onEnd) {
  const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  let previous = Promise.resolve()
  input.on("line", line => {
    if (line.trim() === "") return
    const command = JSON.parse(line)
    if (command.id === undefined) {
      handle(command) // synchronous by contract: a relayed entry must not wait behind a long command
      return
    }
    previous = previous
      .then(() => handle(command))
      .then(
        result => emit({ id: command.id, ok: true, ...(result ?? {}) }),
        error => {
          log(`command ${command.cmd} failed:`, error?.stack ?? error)
          emit({ id: command.id, ok: false, error: error?.message ?? String(error) })
        },
      )
  })
  input.on("close", () => previous.finally(onEnd))
}

/** Nanoseconds on the system's monotonic clock: comparable between processes of one machine. */
export const nowNanos = () => Number(process.hrtime.bigint())

/** Rejects after `ms` unless the promise settles first. */
export function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
