import { BodyHistory } from "./bodyHistory.js"
import { ChangeGraph, type Clock } from "./changeGraph.js"
import { editSessions, type HistoryPoint } from "./editSessions.js"
import type { HistoryReply, HistoryRequest, HistoryTarget } from "./protocol.js"
import { readSavedDocument } from "./savedDocument.js"
import { changesWritingText } from "./textChanges.js"

/**
 * What the history worker knows: the last saved copy of the document it was given, read once,
 * and the timeline points last asked for. Pure; the worker only passes messages to it.
 */
export class HistoryService {
  #graph: ChangeGraph | null = null
  #body: BodyHistory | null = null
  #points: HistoryPoint[] = []
  /** The changes that wrote to the text (the others end no timeline step of their own). */
  #writing: ReadonlySet<number> = new Set()

  handle(request: HistoryRequest): HistoryReply {
    try {
      return this.#answer(request)
    } catch (error) {
      return { kind: "error", message: error instanceof Error ? error.message : String(error) }
    }
  }

  #answer(request: HistoryRequest): HistoryReply {
    if (request.kind === "load") return this.#load(request.bytes, request.body)
    const graph = this.#graph
    const body = this.#body
    if (!graph || !body) throw new Error("no document loaded")
    switch (request.kind) {
      case "authors": {
        const { text, runs } = body.authorsAt(graph.fullClock())
        return {
          kind: "authors",
          text,
          spans: runs.map((run) => ({ from: run.from, to: run.to, actor: graph.actors[run.actor] ?? "" })),
        }
      }
      case "creator": {
        const first = graph.order[0]
        const change = first === undefined ? undefined : graph.changes[first]
        return { kind: "creator", creator: change ? (graph.actors[change.actor] ?? null) : null }
      }
      case "sessions": {
        const people = request.people
        const writing = this.#writing
        this.#points = editSessions(
          graph,
          (actor) => {
            const hex = graph.actors[actor] ?? ""
            return people[hex] ?? `actor:${hex}`
          },
          (change) => writing.has(change),
        )
        return {
          kind: "sessions",
          points: this.#points.map((point) => ({
            person: point.person,
            actor: graph.actors[point.actor] ?? "",
            actors: point.actors.map((actor) => graph.actors[actor] ?? ""),
            start: point.start,
            end: point.end,
            changes: point.changes,
          })),
        }
      }
      case "compare": {
        const before = this.#clock(graph, request.from)
        const after = this.#clock(graph, request.to)
        const segments = body.compare(before, after).map((segment) => ({
          kind: segment.kind,
          text: segment.text,
          at: segment.at,
          actor: segment.kind === "kept" ? "" : (graph.actors[segment.actor] ?? ""),
        }))
        const text = segments
          .filter((segment) => segment.kind !== "removed")
          .map((segment) => segment.text)
          .join("")
        return { kind: "compare", text, segments }
      }
    }
  }

  /**
   * Reads a saved copy and keeps it only if its body text is the document's: a copy this reader
   * misunderstands (a format Automerge changed, damaged bytes) is refused whole, never half-used.
   */
  #load(bytes: Uint8Array, expected: string | null): HistoryReply {
    this.#graph = null
    this.#body = null
    this.#points = []
    let graph: ChangeGraph
    let body: BodyHistory
    let changes: number
    let actors: readonly string[]
    let writing: Set<number>
    try {
      const saved = readSavedDocument(bytes)
      graph = new ChangeGraph(saved)
      body = new BodyHistory(saved)
      writing = changesWritingText(saved)
      changes = saved.changes.length
      actors = saved.actors
    } catch (error) {
      return unreadable(error instanceof Error ? error.message : String(error))
    }
    if (body.textAt(graph.fullClock()) !== (expected ?? "")) {
      return unreadable("its text read back differs from the document's")
    }
    this.#graph = graph
    this.#body = body
    this.#writing = writing
    return { kind: "load", changes, actors }
  }

  #clock(graph: ChangeGraph, target: HistoryTarget): Clock {
    if ("now" in target) return graph.fullClock()
    if ("empty" in target) return graph.emptyClock()
    if ("point" in target) {
      const point = this.#points[target.point]
      if (!point) throw new Error(`no timeline point ${target.point}`)
      return point.clock
    }
    const heads: number[] = []
    for (const ref of target.heads) {
      const index = graph.indexOf(ref.actor, ref.seq)
      if (index === undefined) throw new Error(`the document has no change ${ref.seq} of ${ref.actor}`)
      heads.push(index)
    }
    return graph.clockOf(heads)
  }
}

function unreadable(reason: string): HistoryReply {
  return { kind: "error", message: `the saved document could not be read: ${reason}`, unreadable: true }
}
