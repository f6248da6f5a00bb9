import { BodyHistory } from "./bodyHistory.js"
import { ChangeGraph, type Clock } from "./changeGraph.js"
import { editSessions, type HistoryPoint } from "./editSessions.js"
import type { HistoryReply, HistoryRequest, HistoryTarget } from "./protocol.js"
import { readSavedDocument } from "./savedDocument.js"

/**
 * What the history worker knows: the last saved copy of the document it was given, read once,
 * and the timeline points last asked for. Pure; the worker only passes messages to it.
 */
export class HistoryService {
  #graph: ChangeGraph | null = null
  #body: BodyHistory | null = null
  #points: HistoryPoint[] = []

  handle(request: HistoryRequest): HistoryReply {
    try {
      return this.#answer(request)
    } catch (error) {
      return { kind: "error", message: error instanceof Error ? error.message : String(error) }
    }
  }

  #answer(request: HistoryRequest): HistoryReply {
    if (request.kind === "load") {
      const saved = readSavedDocument(request.bytes)
      this.#graph = new ChangeGraph(saved)
      this.#body = new BodyHistory(saved)
      this.#points = []
      return { kind: "load", changes: saved.changes.length, actors: saved.actors }
    }
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
        this.#points = editSessions(graph, (actor) => {
          const hex = graph.actors[actor] ?? ""
          return people[hex] ?? `actor:${hex}`
        })
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
