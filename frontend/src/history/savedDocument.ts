import { BooleanColumn, ByteReader, DeltaColumn, stringColumn, ulebColumn, ValueColumn } from "./columns.js"

/*
 * The history package reads Automerge's storage format itself instead of asking Automerge, because
 * no official way is fast enough for the targets. Measured on the benchmark's 50,000-change meeting
 * (frontend/bench/history-api.mjs, figures in docs/performance.md), with the worker's own `A.load`
 * (0.6 s) first: who wrote what from the text each change inserted and deleted 2.7 s, by `getCursor`
 * of every character 1.0 s, the timeline's first step 1.1 s (`getChangesMeta`); the issue asks for
 * under 1 s. This reader does each in about 0.2 s. It reads only what this page's pinned
 * Automerge writes (`saveNoCompress`), the unit tests compare it with Automerge, and the service
 * keeps a reading only if it reproduces the document's text (anything else is refused, never used).
 */

/**
 * What a saved Automerge document (one document chunk, uncompressed: `saveNoCompress()`) records
 * about its history and its `body` texts, read straight from the bytes: one pass, no replay.
 * Layout per the binary format specification: header, actors, heads, the column specifications of
 * changes and of operations, then their column data.
 */
export interface SavedDocument {
  /** Actor ids (hex); op ids and changes name actors by index into this list. */
  readonly actors: readonly string[]
  /** Every change, in the order the document stores them (dependencies first). */
  readonly changes: readonly ChangeRow[]
  /** The root's `body` assignments, each the text object it made. */
  readonly bodies: readonly BodyAssignment[]
  /** The operations of every text object that was ever the body, by object id (`ctr@actorIndex`). */
  readonly texts: ReadonlyMap<string, TextOps>
}

export interface ChangeRow {
  readonly actor: number
  readonly seq: number
  /** The counter of the change's last operation; its first is the previous change's maxOp + 1. */
  readonly maxOp: number
  /** Seconds since the epoch, as the writer's clock said. */
  readonly time: number
  /** Indexes of the changes it depends on. */
  readonly deps: readonly number[]
}

/** An op id: counter and actor index. */
export interface OpId {
  readonly ctr: number
  readonly actor: number
}

export interface BodyAssignment {
  readonly id: OpId
  readonly succ: readonly OpId[]
  /** The text object made, or null when the body was set to something other than text. */
  readonly object: string | null
}

/**
 * The operations of one text object in document order. Each row is a value of an element: the
 * insert that made the element (`starts`), or a later value written over it. Characters are one
 * row each; marks are not rows.
 */
export interface TextOps {
  readonly starts: boolean[]
  readonly ctr: number[]
  readonly actor: number[]
  readonly value: string[]
  /** Rows' successors (the ops that deleted or replaced them): `succFrom[i]` .. `succFrom[i+1]`. */
  readonly succFrom: number[]
  readonly succCtr: number[]
  readonly succActor: number[]
}

const MAGIC = [0x85, 0x6f, 0x4a, 0x83]
const DOCUMENT_CHUNK = 0
const ACTION = { makeMap: 0, set: 1, makeText: 4 } as const
/** What a block marker (a map inserted into text) reads as in `text()`. */
const BLOCK_MARKER = "\ufffc"

interface ColumnSpec {
  readonly id: number
  readonly type: number
  readonly deflated: boolean
  readonly start: number
  readonly end: number
}

export function readSavedDocument(bytes: Uint8Array): SavedDocument {
  const reader = new ByteReader(bytes)
  for (const expected of MAGIC) {
    if (reader.byte() !== expected) throw new Error("not an Automerge document")
  }
  reader.take(4) // checksum
  if (reader.byte() !== DOCUMENT_CHUNK) throw new Error("not a saved Automerge document (a change chunk)")
  const length = reader.uleb()
  const end = reader.offset + length
  if (end > bytes.length) throw new Error("Automerge document is truncated")

  const actors: string[] = []
  for (let n = reader.uleb(); n > 0; n -= 1) actors.push(hex(reader.take(reader.uleb())))
  for (let n = reader.uleb(); n > 0; n -= 1) reader.take(32) // heads
  const changeSpecs = readSpecs(reader)
  const opSpecs = readSpecs(reader)
  const changeColumns = new Columns(bytes, reader.offset, changeSpecs)
  const opColumns = new Columns(bytes, changeColumns.end, opSpecs)
  if (opColumns.end > end) throw new Error("Automerge document is truncated")

  // Run-length columns can claim any number of rows in a few bytes: a damaged or unknown document
  // must fail, not spin. Real rows cost bytes (every op's value, every change's columns), so a
  // document never holds many more rows than it has bytes.
  const maxRows = 8 * bytes.length + 1024
  const changes = readChanges(changeColumns, maxRows)
  const { bodies, texts } = readBodyTexts(opColumns, maxRows)
  return { actors, changes, bodies, texts }
}

function readSpecs(reader: ByteReader): { spec: number; length: number }[] {
  const specs = []
  for (let n = reader.uleb(); n > 0; n -= 1) specs.push({ spec: reader.uleb(), length: reader.uleb() })
  return specs
}

/** One group of columns (of changes, or of operations): their data lies one after another, in order. */
class Columns {
  readonly #bytes: Uint8Array
  readonly #specs: ColumnSpec[]
  readonly end: number

  constructor(bytes: Uint8Array, start: number, specs: { spec: number; length: number }[]) {
    this.#bytes = bytes
    let at = start
    this.#specs = specs.map(({ spec, length }) => {
      const column = {
        id: spec >>> 4,
        type: spec & 0b111,
        deflated: (spec & 0b1000) !== 0,
        start: at,
        end: at + length,
      }
      at += length
      return column
    })
    this.end = at
  }

  /** A reader over column (id, type); an absent column reads as empty (all nulls). */
  reader(id: number, type: number): ByteReader {
    const column = this.#specs.find((spec) => spec.id === id && spec.type === type)
    if (!column) return new ByteReader(this.#bytes, 0, 0)
    if (column.deflated) throw new Error("compressed Automerge columns: save the document with saveNoCompress")
    return new ByteReader(this.#bytes, column.start, column.end)
  }
}

const TYPE = { group: 0, actor: 1, uleb: 2, delta: 3, boolean: 4, string: 5, valueMeta: 6, value: 7 } as const

function readChanges(columns: Columns, maxRows: number): ChangeRow[] {
  const actor = ulebColumn(columns.reader(0, TYPE.actor))
  const seq = new DeltaColumn(columns.reader(0, TYPE.delta))
  const maxOp = new DeltaColumn(columns.reader(1, TYPE.delta))
  const time = new DeltaColumn(columns.reader(2, TYPE.delta))
  const depsCount = ulebColumn(columns.reader(4, TYPE.group))
  const deps = new DeltaColumn(columns.reader(4, TYPE.delta))
  const changes: ChangeRow[] = []
  for (;;) {
    const who = actor.next()
    if (who === null) return changes
    if (changes.length >= maxRows) throw new Error("Automerge document claims more changes than its size allows")
    const count = depsCount.next() ?? 0
    if (count > maxRows) throw new Error("Automerge document claims more dependencies than its size allows")
    const rowDeps: number[] = []
    for (let i = 0; i < count; i += 1) rowDeps.push(required(deps.next(), "change dependency"))
    changes.push({
      actor: who,
      seq: required(seq.next(), "change seq"),
      maxOp: required(maxOp.next(), "change maxOp"),
      time: time.next() ?? 0,
      deps: rowDeps,
    })
  }
}

/**
 * One pass over every operation, keeping the root's `body` assignments and the rows of the text
 * objects they made. Objects are stored in op-id order, root first, so a body's text object is
 * known before its operations come.
 */
function readBodyTexts(columns: Columns, maxRows: number): { bodies: BodyAssignment[]; texts: Map<string, TextOps> } {
  const objActor = ulebColumn(columns.reader(0, TYPE.actor))
  const objCtr = ulebColumn(columns.reader(0, TYPE.uleb))
  const keyString = stringColumn(columns.reader(1, TYPE.string))
  const idActor = ulebColumn(columns.reader(2, TYPE.actor))
  const idCtr = new DeltaColumn(columns.reader(2, TYPE.delta))
  const insert = new BooleanColumn(columns.reader(3, TYPE.boolean))
  const action = ulebColumn(columns.reader(4, TYPE.uleb))
  const value = new ValueColumn(columns.reader(5, TYPE.valueMeta), columns.reader(5, TYPE.value))
  const succCount = ulebColumn(columns.reader(8, TYPE.group))
  const succActor = ulebColumn(columns.reader(8, TYPE.actor))
  const succCtr = new DeltaColumn(columns.reader(8, TYPE.delta))

  const bodies: BodyAssignment[] = []
  const texts = new Map<string, TextOps>()
  // Operations come grouped by object: look the object up once per group, not once per op.
  let groupCtr: number | null = -1
  let groupActor: number | null = -1
  let text: TextOps | undefined
  const succCtrs: number[] = []
  const succActors: number[] = []
  for (let rows = 0; ; rows += 1) {
    const ctr = idCtr.next()
    if (ctr === null) break
    if (rows >= maxRows) throw new Error("Automerge document claims more operations than its size allows")
    const actor = required(idActor.next(), "op actor")
    const objectActor = objActor.next()
    const objectCtr = objCtr.next()
    const key = keyString.next()
    const inserted = insert.next()
    const kind = required(action.next(), "op action")
    const val = value.next()
    succCtrs.length = 0
    succActors.length = 0
    const successors = succCount.next() ?? 0
    if (successors > maxRows) throw new Error("Automerge document claims more successors than its size allows")
    for (let n = successors; n > 0; n -= 1) {
      succActors.push(required(succActor.next(), "succ actor"))
      succCtrs.push(required(succCtr.next(), "succ counter"))
    }
    if (objectCtr === null) {
      if (key === "body") {
        const object = kind === ACTION.makeText ? `${ctr}@${actor}` : null
        const succ = succCtrs.map((c, i) => ({ ctr: c, actor: succActors[i] as number }))
        bodies.push({ id: { ctr, actor }, succ, object })
        if (object) texts.set(object, emptyText())
      }
      continue
    }
    if (objectCtr !== groupCtr || objectActor !== groupActor) {
      groupCtr = objectCtr
      groupActor = objectActor
      text = texts.get(`${objectCtr}@${objectActor}`)
    }
    if (!text) continue
    const character =
      kind === ACTION.set && val.text !== null ? val.text : kind === ACTION.makeMap ? BLOCK_MARKER : null
    // Marks (and anything else that is not a character) take no place in the text.
    if (character === null) continue
    text.starts.push(inserted)
    text.ctr.push(ctr)
    text.actor.push(actor)
    text.value.push(character)
    for (let i = 0; i < succCtrs.length; i += 1) {
      text.succCtr.push(succCtrs[i] as number)
      text.succActor.push(succActors[i] as number)
    }
    text.succFrom.push(text.succCtr.length)
  }
  return { bodies, texts }
}

function emptyText(): TextOps {
  return { starts: [], ctr: [], actor: [], value: [], succFrom: [0], succCtr: [], succActor: [] }
}

function required(value: number | null, what: string): number {
  if (value === null) throw new Error(`Automerge document lacks a ${what}`)
  return value
}

function hex(bytes: Uint8Array): string {
  let out = ""
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0")
  return out
}
