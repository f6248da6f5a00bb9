/**
 * Readers of the column encodings of Automerge's storage format (automerge.org, "Binary format
 * specification": LEB128 integers, run-length, delta and boolean columns). Each reader walks one
 * column's bytes once, front to back; values come out one per row, `null` where the column is null.
 */

/** A position in a byte array, read front to back. */
export class ByteReader {
  readonly bytes: Uint8Array
  #at: number
  readonly #end: number

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.#at = start
    this.#end = end
  }

  get done(): boolean {
    return this.#at >= this.#end
  }

  get offset(): number {
    return this.#at
  }

  byte(): number {
    if (this.#at >= this.#end) throw new Error("Automerge data ends too early")
    return this.bytes[this.#at++] as number
  }

  /** Unsigned LEB128, exact up to 2^53. */
  uleb(): number {
    let result = 0
    let scale = 1
    for (;;) {
      const byte = this.byte()
      result += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return result
      scale *= 128
      if (scale > 2 ** 56) throw new Error("Automerge integer too large")
    }
  }

  /** Signed LEB128, exact up to ±2^53. */
  sleb(): number {
    let result = 0
    let scale = 1
    for (;;) {
      const byte = this.byte()
      result += (byte & 0x7f) * scale
      scale *= 128
      if ((byte & 0x80) === 0) return byte & 0x40 ? result - scale : result
      if (scale > 2 ** 56) throw new Error("Automerge integer too large")
    }
  }

  take(length: number): Uint8Array {
    if (this.#at + length > this.#end) throw new Error("Automerge data ends too early")
    const slice = this.bytes.subarray(this.#at, this.#at + length)
    this.#at += length
    return slice
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

export function utf8Text(bytes: Uint8Array): string {
  return utf8.decode(bytes)
}

/**
 * A run-length column: runs of one repeated value (count > 0), of literal values (count < 0), or of
 * nulls (count 0, then how many). `readValue` reads one value (ULEB integers, strings).
 */
export class RleColumn<T> {
  readonly #reader: ByteReader
  readonly #readValue: (reader: ByteReader) => T
  #remaining = 0
  #mode: "repeat" | "literal" | "null" = "null"
  #value: T | null = null

  constructor(reader: ByteReader, readValue: (reader: ByteReader) => T) {
    this.#reader = reader
    this.#readValue = readValue
  }

  next(): T | null {
    if (this.#remaining === 0) {
      // A column shorter than the rows (it may be empty) reads as nulls.
      if (this.#reader.done) return null
      const count = this.#reader.sleb()
      if (count > 0) {
        this.#mode = "repeat"
        this.#remaining = count
        this.#value = this.#readValue(this.#reader)
      } else if (count < 0) {
        this.#mode = "literal"
        this.#remaining = -count
      } else {
        this.#mode = "null"
        this.#remaining = this.#reader.uleb()
        this.#value = null
      }
    }
    this.#remaining -= 1
    return this.#mode === "literal" ? this.#readValue(this.#reader) : this.#value
  }
}

export function ulebColumn(reader: ByteReader): RleColumn<number> {
  return new RleColumn(reader, (r) => r.uleb())
}

export function stringColumn(reader: ByteReader): RleColumn<string> {
  return new RleColumn(reader, (r) => utf8Text(r.take(r.uleb())))
}

/** Integers stored as run-length encoded differences from the previous row. */
export class DeltaColumn {
  readonly #deltas: RleColumn<number>
  #current = 0

  constructor(reader: ByteReader) {
    this.#deltas = new RleColumn(reader, (r) => r.sleb())
  }

  next(): number | null {
    const delta = this.#deltas.next()
    if (delta === null) return null
    this.#current += delta
    return this.#current
  }
}

/** Booleans stored as alternating run lengths, starting with a run of false. */
export class BooleanColumn {
  readonly #reader: ByteReader
  #value = true
  #remaining = 0

  constructor(reader: ByteReader) {
    this.#reader = reader
  }

  next(): boolean {
    while (this.#remaining === 0) {
      if (this.#reader.done) return false
      this.#remaining = this.#reader.uleb()
      this.#value = !this.#value
    }
    this.#remaining -= 1
    return this.#value
  }
}

/** The type code in the low four bits of a value's metadata (the rest is its length in bytes). */
export const VALUE_TYPE = { null: 0, false: 1, true: 2, uint: 3, int: 4, float: 5, string: 6, bytes: 7 } as const

/** A value column pair: metadata (type and length) per row, and the values' bytes one after another. */
export class ValueColumn {
  readonly #meta: RleColumn<number>
  readonly #raw: ByteReader

  constructor(meta: ByteReader, raw: ByteReader) {
    this.#meta = ulebColumn(meta)
    this.#raw = raw
  }

  /** The next row's value: its type code and, for strings, the text (other values are skipped). */
  next(): { type: number; text: string | null } {
    const meta = this.#meta.next() ?? 0
    const type = meta % 16
    const length = Math.floor(meta / 16)
    const bytes = this.#raw.take(length)
    if (type !== VALUE_TYPE.string) return { type, text: null }
    // Most values are one typed ASCII character: spare the decoder for them.
    const text = length === 1 && (bytes[0] as number) < 0x80 ? String.fromCharCode(bytes[0] as number) : utf8Text(bytes)
    return { type, text }
  }
}
