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
 * The page's side of the history worker: hands it a saved copy of the document when the document
 * changed since the last one, and asks it questions. The worker is started on first use.
 */
export class HistoryClient {
  readonly #start: () => WorkerLike
  #worker: WorkerLike | null = null
  #nextId = 1
  readonly #waiting = new Map<number, (reply: HistoryReply) => void>()
  #loadedHeads = ""

  constructor(start: () => WorkerLike = startWorker) {
    this.#start = start
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
    const reply = await this.#ask({ kind: "load", bytes }, [bytes.buffer])
    if (reply.kind === "error") throw new Error(`Reading the history failed: ${reply.message}`)
    this.#loadedHeads = key
    return heads
  }

  async ask<K extends Exclude<HistoryRequest["kind"], "load">>(
    request: Extract<HistoryRequest, { kind: K }>,
  ): Promise<ReplyOf<K>> {
    const asked: HistoryRequest = request
    const reply = await this.#ask(asked, [])
    if (reply.kind === "error") throw new Error(`Reading the history failed: ${reply.message}`)
    if (reply.kind !== asked.kind) throw new Error(`The history worker answered ${reply.kind} to ${asked.kind}`)
    return reply as ReplyOf<K>
  }

  dispose(): void {
    this.#worker?.terminate()
    this.#worker = null
    this.#loadedHeads = ""
    for (const resolve of this.#waiting.values()) resolve({ kind: "error", message: "the history was closed" })
    this.#waiting.clear()
  }

  #ask(request: HistoryRequest, transfer: Transferable[]): Promise<HistoryReply> {
    const worker = this.#ensureWorker()
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve)
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
