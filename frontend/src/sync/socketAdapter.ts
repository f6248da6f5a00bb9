import { cbor, type PeerId, type PeerMetadata } from "@automerge/automerge-repo/slim"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

/** How long the adapter waits before trying again after the socket closed. */
const RETRY_INTERVAL_MS = 2000

export type ServerErrorListener = (message: string) => void

/**
 * The official browser WebSocket adapter with three additions the page needs:
 * - the server's protocol `error` messages (a refused change, a bad token) reach the page
 *   instead of only the debug log;
 * - the browser's `offline` event drops the socket at once (a dead network leaves a socket
 *   hanging for minutes, and Chromium's offline mode does not touch open sockets at all), and
 *   `online` reconnects at once instead of waiting for the next retry;
 * - a retry never replaces a socket that is still open or connecting;
 * - nothing is sent on a socket that is no longer open. automerge-repo 2.5.6 applies a sync
 *   message that arrives while the socket is closing inside DocHandle.update, and the adapter's
 *   send then throws ("Websocket not ready"): the update is abandoned after Automerge already
 *   outdated the document, and every later edit of that handle fails ("Attempting to change an
 *   outdated document"). Dropping such a send is safe: the next connection syncs from scratch.
 */
export class MinutesSocketAdapter extends WebSocketClientAdapter {
  readonly #errorListeners = new Set<ServerErrorListener>()
  readonly #onBrowserOffline = (): void => this.#dropSocket()
  readonly #onBrowserOnline = (): void => this.#reconnectNow()
  readonly #serverAnswered: Promise<void>
  #answered = false

  constructor(url: string) {
    super(url, RETRY_INTERVAL_MS)
    window.addEventListener("offline", this.#onBrowserOffline)
    window.addEventListener("online", this.#onBrowserOnline)
    this.#serverAnswered = new Promise((resolve) =>
      this.once("peer-candidate", () => {
        this.#answered = true
        resolve()
      }),
    )
  }

  /** Whether the server has answered this adapter's join. */
  get serverAnswered(): boolean {
    return this.#answered
  }

  /**
   * Resolves once the server has answered this adapter's join. The adapter calls itself ready
   * after a second without an answer, and a document then asked for is "unavailable" only because
   * no server was there to ask yet.
   */
  whenServerAnswered(): Promise<void> {
    return this.#serverAnswered
  }

  onServerError(listener: ServerErrorListener): () => void {
    this.#errorListeners.add(listener)
    return () => this.#errorListeners.delete(listener)
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    const socket = this.socket
    if (socket && (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)) return
    super.connect(peerId, peerMetadata)
  }

  override send(message: Parameters<WebSocketClientAdapter["send"]>[0]): void {
    const socket = this.socket
    if (socket && socket.readyState !== socket.OPEN) return
    super.send(message)
  }

  override receiveMessage(messageBytes: Uint8Array): void {
    const serverError = errorMessageOf(messageBytes)
    if (serverError !== null)
      this.#errorListeners.forEach((listener) => {
        listener(serverError)
      })
    super.receiveMessage(messageBytes)
  }

  override disconnect(): void {
    window.removeEventListener("offline", this.#onBrowserOffline)
    window.removeEventListener("online", this.#onBrowserOnline)
    if (this.socket) super.disconnect()
  }

  #dropSocket(): void {
    // super.disconnect() detaches the listeners before closing, so no retry is scheduled:
    // the `online` event brings the connection back.
    if (this.socket) super.disconnect()
  }

  #reconnectNow(): void {
    if (this.socket || this.peerId === undefined) return
    this.connect(this.peerId, this.peerMetadata)
  }
}

/** The text of a protocol `error` message, or null for any other frame. */
function errorMessageOf(bytes: Uint8Array): string | null {
  let decoded: unknown
  try {
    decoded = cbor.decode(new Uint8Array(bytes))
  } catch {
    // The adapter itself logs and drops undecodable frames; nothing to report from here.
    return null
  }
  if (decoded === null || typeof decoded !== "object") return null
  const message = decoded as { type?: unknown; message?: unknown }
  if (message.type !== "error") return null
  return typeof message.message === "string" ? message.message : "The server refused the request."
}
