// A raw automerge-repo WebSocket protocol client for precise protocol tests: it sends exactly the
// frames it is told to and reports every frame it receives. CBOR is encoded like the official
// client does (cbor-x, useRecords:false, tagUint8Array:false: maps with 16-bit length headers).
//
//   node raw.mjs --url ws://127.0.0.1:PORT/sync?token=T [--no-pong]
//
// Commands (stdin, one JSON object per line, each with an "id", each answered {"id","ok",...}):
//   {"cmd":"send","message":{...}}     one binary CBOR frame; a field "<name>Hex":"a1b2" is sent
//                                      as byte string field "<name>"; {"$undefined":true} as CBOR
//                                      undefined (f7). Reply has "hex" of the frame sent.
//   {"cmd":"sendRaw","hex":"..."}      one binary frame of exactly these bytes
//   {"cmd":"sendText","text":"..."}    one text frame
//   {"cmd":"sendFragments","hex":["..",".."]}  one binary message split into these frames (the
//                                      first a binary frame, the rest continuation frames)
//   {"cmd":"close","code":1000,"reason":""}   starts the close handshake
//   {"cmd":"exit"}
// Events (stdout):
//   {"event":"open","extensions":"..."}   extensions: what the server accepted (e.g. permessage-deflate)
//   {"event":"message","message":{...},"hex":"..."}   a binary frame, CBOR-decoded; byte string
//        fields are given as "<name>Hex" (hex), CBOR undefined as null. Undecodable frames:
//        {"event":"message","undecodable":true,"error":"...","hex":"..."}
//   {"event":"text","text":"..."}     a text frame
//   {"event":"ping"}                  a WebSocket ping from the server
//   {"event":"unexpected-response","status":401,"body":"..."}  the upgrade was refused
//   {"event":"error","error":"..."}   a socket error (e.g. connection refused)
//   {"event":"close","code":N,"reason":"..."}
import { Encoder, decode } from "cbor-x"
import WebSocket from "ws"
import { emit, emitAndExit, fromHex, parseArgs, serveCommands, toHex } from "./lines.mjs"

const options = parseArgs(process.argv.slice(2), { url: "value", noPong: "flag" })
if (!options.url) throw new Error("--url is required")

const encoder = new Encoder({ tagUint8Array: false, useRecords: false })

/** `autoPong:false` lets tests check that the server terminates a socket that stops answering pings. */
const socket = new WebSocket(options.url, { autoPong: !options.noPong })
const opened = new Promise((resolve, reject) => {
  socket.once("open", resolve)
  socket.once("close", () => reject(new Error("socket closed before it opened")))
})
opened.catch(() => {}) // reported through the close event; commands sent afterwards fail on their own

socket.on("open", () => emit({ event: "open", extensions: socket.extensions }))
socket.on("ping", () => emit({ event: "ping" }))
socket.on("error", error => emit({ event: "error", error: error?.message ?? String(error) }))
socket.on("close", (code, reason) => emit({ event: "close", code, reason: reason.toString("utf8") }))
socket.on("unexpected-response", (request, response) => {
  const chunks = []
  response.on("data", chunk => chunks.push(chunk))
  response.on("end", () => {
    emit({ event: "unexpected-response", status: response.statusCode, body: Buffer.concat(chunks).toString("utf8") })
    request.destroy()
  })
})
socket.on("message", (data, isBinary) => {
  const bytes = new Uint8Array(Buffer.isBuffer(data) ? data : Buffer.concat(data))
  if (!isBinary) {
    emit({ event: "text", text: Buffer.from(bytes).toString("utf8") })
    return
  }
  try {
    emit({ event: "message", message: bytesAsHexFields(decode(bytes)), hex: toHex(bytes) })
  } catch (e) {
    emit({ event: "message", undecodable: true, error: String(e?.message ?? e), hex: toHex(bytes) })
  }
})

/** Outgoing: "<name>Hex" fields become byte strings "<name>", {"$undefined":true} becomes undefined. */
function hexFieldsAsBytes(value) {
  if (Array.isArray(value)) return value.map(hexFieldsAsBytes)
  if (value === null || typeof value !== "object") return value
  if (value.$undefined === true) return undefined
  const result = {}
  for (const [key, field] of Object.entries(value)) {
    if (key.endsWith("Hex") && typeof field === "string") result[key.slice(0, -3)] = fromHex(field)
    else result[key] = hexFieldsAsBytes(field)
  }
  return result
}

/** Incoming: byte string fields become "<name>Hex"; bytes inside arrays become hex strings. */
function bytesAsHexFields(value) {
  if (value instanceof Uint8Array) return toHex(value)
  if (Array.isArray(value)) return value.map(bytesAsHexFields)
  if (value === undefined) return null
  if (value === null || typeof value !== "object") return value
  const result = {}
  for (const [key, field] of Object.entries(value)) {
    if (field instanceof Uint8Array) result[`${key}Hex`] = toHex(field)
    else result[key] = bytesAsHexFields(field)
  }
  return result
}

function sendFrame(payload, binary) {
  return opened.then(
    () =>
      new Promise((resolve, reject) =>
        socket.send(payload, { binary }, error => (error ? reject(error) : resolve())),
      ),
  )
}

const commands = {
  async send({ message }) {
    const frame = encoder.encode(hexFieldsAsBytes(message))
    await sendFrame(frame, true)
    return { hex: toHex(frame) }
  },
  async sendRaw({ hex }) {
    await sendFrame(fromHex(hex), true)
    return {}
  },
  async sendFragments({ hex }) {
    await opened
    for (let i = 0; i < hex.length; i++) {
      await new Promise((resolve, reject) =>
        socket.send(fromHex(hex[i]), { binary: true, fin: i === hex.length - 1 }, error => (error ? reject(error) : resolve())),
      )
    }
    return {}
  },
  async sendText({ text }) {
    await sendFrame(text, false)
    return {}
  },
  async close({ code = 1000, reason = "" }) {
    socket.close(code, reason)
    return {}
  },
  async exit(command) {
    socket.terminate()
    emitAndExit({ id: command.id, ok: true }, 0)
    return new Promise(() => {}) // the reply above is the only one
  },
}

serveCommands(
  command => {
    const run = commands[command.cmd]
    if (!run) throw new Error(`unknown command ${command.cmd}; known: ${Object.keys(commands).join(", ")}`)
    return run(command)
  },
  () => {
    socket.terminate()
    process.exit(0)
  },
)
