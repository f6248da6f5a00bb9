/**
 * The Automerge cursors of a stretch of characters, one per UTF-16 code unit (both halves of an
 * emoji share one cursor), in text order. Characters typed or pasted in one go are consecutive
 * operations of one actor ("41@ab12…", "42@ab12…", …), so such a run is kept as its first counter
 * and its length rather than as one string per character.
 */
export class CursorList {
  readonly #runs: Run[] = []
  #length = 0

  static of(cursors: Iterable<string>): CursorList {
    const list = new CursorList()
    for (const cursor of cursors) list.push(cursor)
    return list
  }

  get length(): number {
    return this.#length
  }

  push(cursor: string): void {
    this.#length += 1
    const last = this.#runs[this.#runs.length - 1]
    const parsed = OP_ID.exec(cursor)
    if (parsed === null) {
      this.#runs.push({ actor: cursor, first: -1, count: 1 })
      return
    }
    const counter = Number(parsed[1])
    const actor = parsed[2] as string
    if (last && last.first >= 0 && last.actor === actor && last.first + last.count === counter) {
      last.count += 1
      return
    }
    this.#runs.push({ actor, first: counter, count: 1 })
  }

  /** This list followed by `other`, as a new list. */
  concat(other: CursorList): CursorList {
    const list = CursorList.of(this)
    for (const cursor of other) list.push(cursor)
    return list
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const run of this.#runs) {
      if (run.first < 0) yield run.actor
      else for (let i = 0; i < run.count; i += 1) yield `${run.first + i}@${run.actor}`
    }
  }
}

/** An Automerge operation id: the characters' cursors are the ids of the operations that inserted them. */
const OP_ID = /^(\d+)@([0-9a-f]+)$/

/** `count` consecutive counters of one actor from `first`; or one cursor of another form (`first` -1). */
interface Run {
  readonly actor: string
  readonly first: number
  count: number
}
