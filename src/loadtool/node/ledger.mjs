// Which keystrokes a client holds, and since when: the same bookkeeping as the Java tool's
// MeetingLedger, shared between processes. Every keystroke is registered under its change hash
// with a vector clock (per author of the meeting, the highest keystroke number the change's history
// contains) and its send time; the Java tool relays each registration to every worker that hosts a
// member of the meeting. A client that finds a registered hash among its heads holds every keystroke
// the clock covers, whichever message carried it.

/** A head nobody registers (the meeting's first change) stops holding up the queue after this. */
const UNREGISTERED_AFTER_NANOS = 5e9

export class MeetingLedger {
  constructor(authors) {
    this.authors = authors
    this.clocks = new Map()
    this.sentAt = Array.from({ length: authors }, () => [])
    this.lastSeq = new Int32Array(authors)
    this.receivers = new Set()
  }

  /** A keystroke of this process or, relayed, of another; sentAt is -1 when not measured. */
  register({ author, seq, hash, clock, sentAt }) {
    this.sentAt[author][seq] = sentAt
    if (seq > this.lastSeq[author]) this.lastSeq[author] = seq
    this.clocks.set(hash, clock)
    for (const receiver of this.receivers) receiver.resolve()
  }
}

/**
 * One client's arrivals. Heads are queued with the moment they were seen and resolved in order, so
 * a head whose registration is still on its way from another process holds up the later ones
 * instead of letting them claim its keystrokes later than they arrived.
 */
export class Arrivals {
  constructor(ledger, author, now) {
    this.ledger = ledger
    this.author = author // -1 for a watcher
    this.now = now
    this.known = new Int32Array(ledger.authors)
    this.latencies = []
    this.queue = []
    this.next = 0
    this.baseline = new Set()
    this.lastHeads = ""
    ledger.receivers.add(this)
  }

  /** Heads held before typing started: never registered, never waited for. */
  setBaseline(heads) {
    for (const head of heads) this.baseline.add(head)
  }

  /** Own keystroke: this client holds it from the start. */
  typed(seq) {
    this.known[this.author] = seq
  }

  /** The client's heads after it applied a message. */
  seen(heads) {
    const key = heads.join(",")
    if (key === this.lastHeads) return
    this.lastHeads = key
    this.queue.push({ heads, at: this.now() })
    this.resolve()
  }

  resolve(force = false) {
    const { clocks, sentAt } = this.ledger
    const now = this.now()
    while (this.next < this.queue.length) {
      const { heads, at } = this.queue[this.next]
      const waiting = heads.some(
        head => !clocks.has(head) && !this.baseline.has(head) && !force && now - at < UNREGISTERED_AFTER_NANOS,
      )
      if (waiting) return
      this.next++
      for (const head of heads) {
        const clock = clocks.get(head)
        if (clock === undefined) continue
        for (let other = 0; other < clock.length; other++) {
          const upTo = clock[other]
          if (upTo <= this.known[other]) continue
          if (other !== this.author) {
            for (let s = this.known[other] + 1; s <= upTo; s++) {
              const sent = sentAt[other][s]
              if (sent !== undefined && sent >= 0) this.latencies.push((at - sent) / 1e6)
            }
          }
          this.known[other] = upTo
        }
      }
    }
    if (this.next > 1024) {
      this.queue = this.queue.slice(this.next)
      this.next = 0
    }
  }
}
