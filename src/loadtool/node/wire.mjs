// The automerge-repo protocol on a WebSocket, encoded as the official client encodes it (cbor-x,
// useRecords false, tagUint8Array false), and the counters every client of a worker adds to.
import { Encoder, decode } from "cbor-x"
import WebSocket from "ws"

const encoder = new Encoder({ tagUint8Array: false, useRecords: false })

export class WireCounters {
  bytesSent = 0
  bytesReceived = 0
  framesSent = 0
  framesReceived = 0
  refusals = 0
  docUnavailable = 0
  socketErrors = 0

  toJson() {
    return { ...this }
  }
}

/**
 * One protocol connection: `onMessage(message)` gets every decoded frame; `send(message)` encodes
 * one. Resolves once the socket is open.
 */
export function connect(url, wire, onMessage, name) {
  const socket = new WebSocket(url) // offers permessage-deflate, as browsers do
  socket.binaryType = "nodebuffer"
  let closing = false
  socket.on("message", data => {
    wire.framesReceived++
    wire.bytesReceived += data.length
    const message = decode(data)
    if (message.type === "error") {
      wire.refusals++
      process.stderr.write(`[${name}] refused: ${message.message}\n`)
    } else if (message.type === "doc-unavailable") {
      wire.docUnavailable++
    }
    onMessage(message)
  })
  socket.on("close", () => {
    if (!closing) {
      wire.socketErrors++
      process.stderr.write(`[${name}] lost its socket\n`)
    }
  })
  const opened = new Promise((resolve, reject) => {
    socket.once("open", resolve)
    socket.once("error", error => {
      wire.socketErrors++
      reject(error)
    })
  })
  return opened.then(() => ({
    send(message) {
      // cbor-x hands out a view of its reusable buffer: copy before the socket queues it.
      const frame = Buffer.from(encoder.encode(message))
      wire.framesSent++
      wire.bytesSent += frame.length
      socket.send(frame)
    },
    close() {
      closing = true
      socket.close()
    },
  }))
}
