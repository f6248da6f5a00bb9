// A typist that is the official client itself: an automerge-repo 2.5.6 Repo with its
// WebSocketClientAdapter (no storage, so it announces itself as ephemeral), finding the document
// and typing with handle.change. Its DocSynchronizer sends local changes through a 100 ms throttle
// and answers each server message at once.
import * as A from "@automerge/automerge"
import { Repo, stringifyAutomergeUrl } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { decode } from "cbor-x"
import { withTimeout } from "./lines.mjs"

const FIND_TIMEOUT_MS = 60_000
const RETRY_MS = 1_000

/** The official adapter, counting what goes over its socket. */
class CountingAdapter extends WebSocketClientAdapter {
  #wire
  /** Set before the Repo shuts down: a socket closing after that is no error. */
  closing = false

  constructor(url, wire) {
    super(url, RETRY_MS)
    this.#wire = wire
  }

  connect(peerId, peerMetadata) {
    super.connect(peerId, peerMetadata)
    const socket = this.socket
    const send = socket.send.bind(socket)
    socket.send = (data, ...rest) => {
      this.#wire.framesSent++
      this.#wire.bytesSent += data.byteLength
      send(data, ...rest)
    }
    socket.addEventListener("close", () => {
      if (!this.closing) this.#wire.socketErrors++
    })
  }

  receiveMessage(bytes) {
    this.#wire.framesReceived++
    this.#wire.bytesReceived += bytes.byteLength
    const type = decode(new Uint8Array(bytes)).type
    if (type === "error") this.#wire.refusals++
    if (type === "doc-unavailable") this.#wire.docUnavailable++
    super.receiveMessage(bytes)
  }
}

export class RepoClient {
  #repo
  #adapter
  #handle
  #documentId
  #peerId
  #onHeads

  constructor({ documentId, peerId, onHeads = () => {} }) {
    this.#documentId = documentId
    this.#peerId = peerId
    this.#onHeads = onHeads
  }

  async open(url, wire) {
    this.#adapter = new CountingAdapter(url, wire)
    this.#repo = new Repo({ network: [this.#adapter], peerId: this.#peerId })
    const documentUrl = stringifyAutomergeUrl({ documentId: this.#documentId })
    this.#handle = await withTimeout(
      this.#repo.find(documentUrl),
      FIND_TIMEOUT_MS,
      `${this.#peerId} to find ${documentUrl}`,
    )
    this.#handle.on("change", () => this.#onHeads(this.heads()))
    if (this.#handle.doc().body === undefined) throw new Error(`document ${this.#documentId} has no body`)
  }

  heads() {
    return A.getHeads(this.#handle.doc())
  }

  body() {
    return this.#handle.doc().body
  }

  bodyLength() {
    return this.#handle.doc().body.length
  }

  type(position, text) {
    this.#handle.change(doc => A.splice(doc, ["body"], position, 0, text))
    return this.heads()[0]
  }

  async close() {
    if (this.#adapter) this.#adapter.closing = true
    await this.#repo?.shutdown()
  }
}
