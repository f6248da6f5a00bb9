// A typist as a browser's Automerge 3.5 holds it, speaking the protocol frames itself: join, then
// request until it has the document, then sync. It answers every server message at once with
// receiveSyncMessage and generateSyncMessage, as automerge-repo's DocSynchronizer does, and sends
// each keystroke as one change the moment it is made (no batching: the official Repo's 100 ms
// throttle is the other mode, repo-client.mjs).
import { randomUUID } from "node:crypto"
import * as A from "@automerge/automerge"
import { withTimeout } from "./lines.mjs"
import { connect } from "./wire.mjs"

const JOIN_TIMEOUT_MS = 60_000

export class RawClient {
  #doc
  #state = A.initSyncState()
  #connection
  #serverPeerId
  #holdsBody
  #heldBody
  #documentId
  #peerId
  #onHeads

  /** onHeads(heads) after every sync message it applied. */
  constructor({ documentId, peerId, onHeads = () => {} }) {
    this.#documentId = documentId
    this.#peerId = peerId
    this.#onHeads = onHeads
    this.#holdsBody = new Promise((resolve, reject) => {
      this.#heldBody = { resolve, reject }
    })
  }

  /** Connects; resolves once it holds the document's body. With initialBody it creates the document. */
  async open(url, wire, initialBody) {
    this.#doc = initialBody === undefined ? A.init() : A.from({ body: initialBody })
    this.#connection = await connect(url, wire, message => this.#receive(message), this.#peerId)
    this.#connection.send({
      type: "join",
      senderId: this.#peerId,
      // What a browser's Repo announces: it keeps documents (IndexedDB), so it is not ephemeral.
      peerMetadata: { storageId: randomUUID(), isEphemeral: false },
      supportedProtocolVersions: ["1"],
    })
    if (initialBody !== undefined) this.#heldBody.resolve()
    await withTimeout(this.#holdsBody, JOIN_TIMEOUT_MS, `${this.#peerId} to hold ${this.#documentId}`)
  }

  heads() {
    return A.getHeads(this.#doc)
  }

  body() {
    return this.#doc.body
  }

  bodyLength() {
    return this.#doc.body.length
  }

  /** Whether the server said it holds exactly this client's heads. */
  acknowledged() {
    const ours = A.getHeads(this.#doc)
    const shared = this.#state.sharedHeads
    return shared.length === ours.length && ours.every(head => shared.includes(head))
  }

  /** One keystroke, one change, sent at once; returns the change's hash. */
  type(position, text) {
    this.#doc = A.change(this.#doc, doc => A.splice(doc, ["body"], position, 0, text))
    this.#sendSync()
    return A.getHeads(this.#doc)[0] // a local change depends on every head: it is the only one
  }

  close() {
    this.#connection?.close()
  }

  #receive(message) {
    switch (message.type) {
      case "peer":
        this.#serverPeerId = message.senderId
        this.#sendSync()
        break
      case "sync": {
        ;[this.#doc, this.#state] = A.receiveSyncMessage(this.#doc, this.#state, message.data)
        this.#onHeads(A.getHeads(this.#doc))
        if (this.#doc.body !== undefined) this.#heldBody.resolve()
        this.#sendSync()
        break
      }
      case "doc-unavailable":
        this.#heldBody.reject(new Error(`the server has no document ${this.#documentId}`))
        break
      default:
        break
    }
  }

  #sendSync() {
    if (this.#serverPeerId === undefined) return
    const [state, data] = A.generateSyncMessage(this.#doc, this.#state)
    this.#state = state
    if (!data) return
    this.#connection.send({
      // Like the official client: a request while it has nothing, a sync message once it has.
      type: A.getHeads(this.#doc).length === 0 ? "request" : "sync",
      senderId: this.#peerId,
      targetId: this.#serverPeerId,
      documentId: this.#documentId,
      data,
    })
  }
}
