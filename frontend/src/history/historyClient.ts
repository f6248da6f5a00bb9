import { next as A } from "@automerge/automerge/slim"
import type { ChangeRef, HistoryReply, HistoryRequest, ReplyEnvelope, RequestEnvelope } from "./protocol.js"

/** What the client needs of a worker (a real Worker in the page, something else in tests). */
export interface WorkerLike {
  postMessage(message: RequestEnvelope, transfer?: Transferable[]): void
  onmessage: ((event: MessageEvent<ReplyEnvelope>) => void) | null
  terminate(): void
}

type ReplyOf<K extends HistoryRequest["kind"]> = Extract<HistoryReply, { kind: K }>

/**
 * Why the history could not be read: `unreadable` (the saved copy is not one the worker understands:
 * retrying will not help, the minutes themselves are fine), `stuck` (the worker gave no answer in
 * time and was stopped) or `failed` (anything else).
 */
export class HistoryError extends Error {
  readonly reason: "unreadable" | "stuck" | "failed"

  constructor(reason: HistoryError["reason"], message: string) {
    super(message)
    this.name = "HistoryError"
    this.reason = reason
  }
}

/**
 * How long a question may go unanswered before the worker is taken for stuck and stopped. Reading
 * a 50,000-change meeting takes about a second on a slow machine (docs/performance.md); this only
 * stops a worker that will never answer, so the page says so instead of waiting for ever.
 */
const ANSWER_WITHIN_MS = 30_000

/**
 * The page's side of the history worker: hands it a saved copy of the document when the document
 * changed since the last one, and asks it questions. The worker is started on first use.
 */
export class HistoryClient {
  readonly #start: () => WorkerLike
  #worker: WorkerLike | null = null
  #nextId = 1
  readonly #waiting = new Map<number, (reply: HistoryReply) => void>()
  #loadedHeads = ""

  readonly #answerWithinMs: number

  constructor(start: () => WorkerLike = startWorker, answerWithinMs = ANSWER_WITHIN_MS) {
    this.#start = start
    this.#answerWithinMs = answerWithinMs
  }

  /**
   * Gives the worker the document as it is now, unless it already has exactly these heads.
   * Returns the heads loaded: answers describe the document at them.
   */
  async load(doc: A.Doc<unknown>): Promise<A.Heads> {
    const heads = A.getHeads(doc)
    const key = [...heads].sort().join(",")
    if (key === this.#loadedHeads) return heads
    // Uncompressed: the worker reads the columns directly, without inflating them.
    const bytes = A.getBackend(doc).saveNoCompress()
    const body = (doc as { body?: unknown }).body
    const reply = await this.#ask({ kind: "load", bytes, body: typeof body === "string" ? body : null }, [bytes.buffer])
    if (reply.kind === "error") throw failure(reply)
    this.#loadedHeads = key
    return heads
  }

  async ask<K extends Exclude<HistoryRequest["kind"], "load">>(
    request: Extract<HistoryRequest, { kind: K }>,
  ): Promise<ReplyOf<K>> {
    const asked: HistoryRequest = request
    const reply = await this.#ask(asked, [])
    if (reply.kind === "error") throw failure(reply)
    if (reply.kind !== asked.kind) {
      throw new HistoryError("failed", `The history worker answered ${reply.kind} to ${asked.kind}`)
    }
    return reply as ReplyOf<K>
  }

  dispose(reply: HistoryReply = { kind: "error", message: "the history was closed" }): void {
    this.#worker?.terminate()
    this.#worker = null
    this.#loadedHeads = ""
    const waiting = [...this.#waiting.values()]
    this.#waiting.clear()
    for (const resolve of waiting) resolve(reply)
  }

  #ask(request: HistoryRequest, transfer: Transferable[]): Promise<HistoryReply> {
    const worker = this.#ensureWorker()
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // Answers come in order: this one never will. Stop the worker; the next question starts a new one.
        this.dispose({ kind: "error", message: "the history worker did not answer", stuck: true })
      }, this.#answerWithinMs)
      this.#waiting.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
      worker.postMessage({ id, request }, transfer)
    })
  }

  #ensureWorker(): WorkerLike {
    if (this.#worker) return this.#worker
    const worker = this.#start()
    worker.onmessage = (event) => {
      const resolve = this.#waiting.get(event.data.id)
      this.#waiting.delete(event.data.id)
      resolve?.(event.data.reply)
    }
    this.#worker = worker
    return worker
  }
}

function failure(reply: Extract<HistoryReply, { kind: "error" }>): HistoryError {
  const reason = reply.unreadable ? "unreadable" : reply.stuck ? "stuck" : "failed"
  return new HistoryError(reason, `Reading the history failed: ${reply.message}`)
}

/** The changes `heads` name, as the worker finds them (actor and seq; hashes are not in saved documents). */
export function changeRefs(doc: A.Doc<unknown>, heads: readonly string[]): ChangeRef[] | null {
  const refs: ChangeRef[] = []
  for (const hash of heads) {
    const meta = A.getBackend(doc).getChangeMetaByHash(hash)
    if (!meta) return null
    refs.push({ actor: meta.actor, seq: meta.seq })
  }
  return refs
}

function startWorker(): WorkerLike {
  return new Worker(new URL("./history.worker.ts", import.meta.url), { type: "module", name: "history" })
}
