// A stand-in for the minutes server, for frontend development and for running the browser tests
// before (or without) the Java server. It speaks the same contract (shared/docs/contract.md §3, §4)
// on top of the reference automerge-repo 2.5.6 server pieces, keeps everything in memory, and
// serves dist/ with the production CSP. It is NOT the product: the Java server is.
//
//   npm run build && node dev/stand-in-server.mjs        (MINUTES_HTTP_PORT=0 picks a free port)
//
// Prints one line "listening on http://HOST:PORT" once ready.

import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { extname, join, normalize, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { next as A } from "@automerge/automerge"
import { Repo, cbor } from "@automerge/automerge-repo"
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { WebSocketServer } from "ws"

const HOST = process.env.MINUTES_HTTP_HOST ?? "127.0.0.1"
const PORT = Number(process.env.MINUTES_HTTP_PORT ?? 8080)
const CREATION_TOKEN = process.env.MINUTES_CREATION_TOKEN ?? ""
const DIST = resolve(fileURLToPath(new URL("../dist", import.meta.url)))
const PUBLISH_DIR = process.env.MINUTES_PUBLISH_DIR ?? mkdtempSync(join(tmpdir(), "minutes-published-"))
/** The folder target "delivers" after this delay, so pages can show the pending state. */
const PUBLISH_DELAY_MS = Number(process.env.MINUTES_STAND_IN_PUBLISH_DELAY_MS ?? 1200)

const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'"

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
}

// ---- storage: in memory, so the server has a storageId like the real one ----

class MemoryStorage {
  #data = new Map()
  async load(key) {
    return this.#data.get(key.join("/"))
  }
  async save(key, data) {
    this.#data.set(key.join("/"), data)
  }
  async remove(key) {
    this.#data.delete(key.join("/"))
  }
  async loadRange(prefix) {
    const p = prefix.join("/")
    return [...this.#data.entries()]
      .filter(([k]) => k === p || k.startsWith(p + "/"))
      .map(([k, data]) => ({ key: k.split("/"), data }))
  }
  async removeRange(prefix) {
    for (const { key } of await this.loadRange(prefix)) this.#data.delete(key.join("/"))
  }
}

// ---- meetings ----

/** id -> { id, documentUrl, documentId, tokens, closed, publish } */
const meetings = new Map()
/** token -> { meetingId, role } */
const tokens = new Map()

function newToken() {
  return randomBytes(18).toString("base64url")
}

const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })

/** The reference adapter, plus the contract's refusals: one document per token, no changes by viewers or after close. */
class GuardedServerAdapter extends WebSocketServerAdapter {
  receiveMessage(messageBytes, socket) {
    const access = socket.minutesAccess
    let message
    try {
      message = cbor.decode(new Uint8Array(messageBytes))
    } catch {
      socket.close(1003, "undecodable frame")
      return
    }
    if (message && typeof message === "object" && "documentId" in message && access) {
      if (message.documentId !== access.documentId) return
      if ((message.type === "sync" || message.type === "request") && message.data) {
        const meeting = meetings.get(access.meetingId)
        const hasChanges = A.decodeSyncMessage(message.data).changes.length > 0
        const reason = access.role === "viewer" ? "viewers cannot change the minutes" : meeting?.closed ? "the meeting is closed" : null
        if (hasChanges && reason) {
          console.log(`refused a change from ${message.senderId} on meeting ${access.meetingId}: ${reason}`)
          socket.send(cbor.encode({ type: "error", senderId: this.peerId, targetId: message.senderId, message: reason }))
          return
        }
      }
    }
    super.receiveMessage(messageBytes, socket)
  }
}

const repo = new Repo({
  network: [new GuardedServerAdapter(wss)],
  storage: new MemoryStorage(),
  sharePolicy: async () => false,
})

function bodyFor(input, previousItems) {
  const agenda = input.agenda?.length ? [...input.agenda] : []
  if (previousItems.length > 0 && !agenda.includes("Review previous notes")) agenda.unshift("Review previous notes")
  const attendees = [...(input.attendees ?? [])]
  if (input.chair && !attendees.includes(input.chair)) attendees.unshift(input.chair)
  const named = attendees.map((name) => (name === input.chair ? `${name} (chair)` : name))
  const people =
    named.length <= 1 ? named.join("") : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`
  const sections = agenda.map((item) => {
    const carried =
      item === "Review previous notes" && previousItems.length > 0 ? `${previousItems.join("\n")}\n\n` : ""
    return `#### ${item} ####\n\n${carried}`
  })
  return (
    `\n### Agenda ###\n\n${agenda.map((item) => `- ${item}`).join("\n")}\n\n` +
    `Attendees: ${people}\n\n\n### Notes ###\n\n${sections.join("\n")}\n#### AoB ####\n\n\n`
  )
}

function str(value) {
  if (typeof value === "string") return value
  if (value && typeof value === "object" && typeof value.val === "string") return value.val
  return ""
}

function quote(value) {
  return `'${value.replaceAll("'", "''")}'`
}

function render(doc) {
  const m = doc.meta ?? {}
  const a = m.author ?? {}
  return (
    `---\nupdated: ${str(m.updated)}\nauthor:\n  name: ${str(a.name)}\n  uri: ${str(a.uri)}\n  email: ${str(a.email)}\n` +
    `subject: ${quote(str(m.subject))}\npermalink: ${str(m.permalink)}\ndescription: ${quote(str(m.description))}\n---\n` +
    str(doc.body)
  )
}

function parseMinutesFile(text) {
  const lines = text.split("\n")
  if (lines[0] !== "---" || lines[9] !== "---") return null
  const field = (line, name) => {
    const match = new RegExp(`^\\s*${name}: ?(.*)$`).exec(line ?? "")
    if (!match) return null
    const raw = match[1]
    return raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1).replaceAll("''", "'") : raw
  }
  return {
    meta: {
      updated: field(lines[1], "updated") ?? "",
      author: { name: field(lines[3], "name") ?? "", uri: field(lines[4], "uri") ?? "", email: field(lines[5], "email") ?? "" },
      subject: field(lines[6], "subject") ?? "",
      permalink: field(lines[7], "permalink") ?? "",
      description: field(lines[8], "description") ?? "",
    },
    body: lines.slice(10).join("\n"),
  }
}

function openActionItems(doc) {
  return str(doc.body)
    .split("\n")
    .filter((line) => /^\s*[-*+]\s+\[ \]\s+\S/.test(line))
    .map((line) => line.trim())
}

async function createMeeting(meta, body, origin) {
  const handle = repo.create({ schema: "minutes/1", meta, body, status: "open" })
  const id = randomBytes(9).toString("base64url")
  const meeting = {
    id,
    documentUrl: handle.url,
    documentId: handle.documentId,
    tokens: { chair: newToken(), editor: newToken(), viewer: newToken() },
    closed: null,
    publish: [],
  }
  meetings.set(id, meeting)
  tokens.set(meeting.tokens.chair, { meetingId: id, role: "chair" })
  tokens.set(meeting.tokens.editor, { meetingId: id, role: "editor" })
  tokens.set(meeting.tokens.viewer, { meetingId: id, role: "viewer" })
  const link = (token) => `${origin}/m/${id}#token=${token}`
  return {
    id,
    documentUrl: meeting.documentUrl,
    status: "open",
    tokens: meeting.tokens,
    links: { chair: link(meeting.tokens.chair), edit: link(meeting.tokens.editor), view: link(meeting.tokens.viewer) },
  }
}

async function closeMeeting(meeting, by) {
  if (meeting.closed) return meeting.closed
  const handle = await repo.find(meeting.documentUrl)
  const heads = A.getHeads(handle.doc())
  const closed = { at: new Date().toISOString(), by, heads }
  meeting.closed = closed
  meeting.finalText = render(A.view(handle.doc(), heads))
  handle.change((d) => {
    d.status = "closed"
    d.closed = { at: closed.at, by: closed.by, heads: closed.heads }
  })
  const fileName = `${str(handle.doc().meta?.updated) || meeting.id}.md`
  const target = { target: "folder", state: "pending", attempts: 0, lastError: null, deliveredAt: null, location: null }
  meeting.publish = [target]
  setTimeout(() => {
    const path = join(PUBLISH_DIR, fileName)
    writeFileSync(`${path}.tmp`, meeting.finalText)
    renameSync(`${path}.tmp`, path)
    Object.assign(target, { state: "delivered", attempts: 1, deliveredAt: new Date().toISOString(), location: path })
  }, PUBLISH_DELAY_MS)
  return closed
}

// ---- HTTP ----

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Cache-Control": "no-store", ...headers })
  res.end(body)
}

function json(res, status, value) {
  send(res, status, JSON.stringify(value), { "Content-Type": "application/json" })
}

function fail(res, status, error, message) {
  json(res, status, { error, message })
}

async function readBody(req, limit = 1024 * 1024) {
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > limit) throw Object.assign(new Error("too large"), { status: 413 })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString("utf8")
}

function bearer(req) {
  const header = req.headers.authorization ?? ""
  return header.startsWith("Bearer ") ? header.slice(7).trim() : ""
}

/** 401 for no/wrong token, 403 for another meeting's token or a weaker role, 404 for unknown meetings. */
function authorize(req, res, meetingId, roles) {
  const meeting = meetings.get(meetingId)
  const access = tokens.get(bearer(req))
  if (!access) {
    fail(res, 401, "unauthorized", "missing or invalid token")
    return null
  }
  if (!meeting) {
    fail(res, 404, "not-found", "unknown meeting")
    return null
  }
  if (access.meetingId !== meetingId || !roles.includes(access.role)) {
    fail(res, 403, "forbidden", "this token does not allow that")
    return null
  }
  return { meeting, role: access.role }
}

function creationAllowed(req, res) {
  if (!CREATION_TOKEN || bearer(req) === CREATION_TOKEN) return true
  fail(res, 401, "unauthorized", "a creation token is required")
  return false
}

async function api(req, res, url) {
  const origin = `http://${req.headers.host}`
  const parts = url.pathname.split("/").filter(Boolean) // ["api", "meetings", id?, action?]
  if (req.method === "POST" && url.pathname === "/api/meetings") {
    if (!creationAllowed(req, res)) return
    const input = JSON.parse((await readBody(req)) || "{}")
    const date = input.date || new Date().toISOString().slice(0, 10)
    let carried = []
    if (input.previous) {
      const previous = meetings.get(input.previous)
      if (!previous) return fail(res, 400, "bad-request", "unknown previous meeting")
      carried = openActionItems((await repo.find(previous.documentUrl)).doc())
    }
    const meta = {
      updated: date,
      author: { name: input.author?.name ?? input.chair ?? "", uri: input.author?.uri ?? "", email: input.author?.email ?? "" },
      subject: input.subject || `Weekly Meeting: ${date}`,
      permalink: `weekly-${date}`,
      description: input.description ?? "",
    }
    return json(res, 201, await createMeeting(meta, bodyFor(input, carried), origin))
  }
  if (req.method === "POST" && url.pathname === "/api/meetings/import") {
    if (!creationAllowed(req, res)) return
    const parsed = parseMinutesFile(await readBody(req))
    if (!parsed) return fail(res, 400, "bad-request", "not a published minutes file")
    return json(res, 201, await createMeeting(parsed.meta, parsed.body, origin))
  }
  if (parts.length >= 3 && parts[0] === "api" && parts[1] === "meetings") {
    const id = decodeURIComponent(parts[2])
    const action = parts[3]
    if (req.method === "GET" && action === undefined) {
      const granted = authorize(req, res, id, ["chair", "editor", "viewer"])
      if (!granted) return
      const { meeting, role } = granted
      const doc = (await repo.find(meeting.documentUrl)).doc()
      const m = doc.meta ?? {}
      return json(res, 200, {
        id,
        documentUrl: meeting.documentUrl,
        status: meeting.closed ? "closed" : "open",
        role,
        meta: {
          updated: str(m.updated),
          subject: str(m.subject),
          description: str(m.description),
          permalink: str(m.permalink),
          author: { name: str(m.author?.name), uri: str(m.author?.uri), email: str(m.author?.email) },
        },
        closed: meeting.closed,
        publish: meeting.publish,
        actionItems: [],
      })
    }
    if (req.method === "GET" && action === "minutes.md") {
      const granted = authorize(req, res, id, ["chair", "editor", "viewer"])
      if (!granted) return
      const text = granted.meeting.finalText ?? render((await repo.find(granted.meeting.documentUrl)).doc())
      return send(res, 200, text, { "Content-Type": "text/markdown; charset=utf-8" })
    }
    if (req.method === "POST" && action === "close") {
      const granted = authorize(req, res, id, ["chair"])
      if (!granted) return
      const doc = (await repo.find(granted.meeting.documentUrl)).doc()
      const closed = await closeMeeting(granted.meeting, str(doc.meta?.author?.name) || "the chair")
      return json(res, 200, { status: "closed", closed })
    }
  }
  fail(res, 404, "not-found", "no such route")
}

function serveStatic(req, res, url) {
  const isPage = url.pathname === "/" || url.pathname.startsWith("/m/")
  const relative = isPage ? "index.html" : normalize(url.pathname).replace(/^[/\\]+/, "")
  const path = resolve(DIST, relative)
  if (!path.startsWith(DIST)) return send(res, 404, "not found")
  try {
    if (!statSync(path).isFile()) return send(res, 404, "not found")
  } catch {
    return send(res, 404, "not found")
  }
  send(res, 200, readFileSync(path), {
    "Content-Type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
    "Content-Security-Policy": CSP,
  })
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://stand-in")
  const handled = url.pathname.startsWith("/api/") ? api(req, res, url) : Promise.resolve(serveStatic(req, res, url))
  handled.catch((error) => {
    console.error("request failed", error)
    if (!res.headersSent) fail(res, error.status ?? 500, "internal", String(error.message ?? error))
  })
})

server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url ?? "/", "http://stand-in")
  const access = url.pathname === "/sync" ? tokens.get(url.searchParams.get("token") ?? "") : undefined
  const meeting = access ? meetings.get(access.meetingId) : undefined
  if (!access || !meeting) {
    socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n")
    return
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.minutesAccess = { meetingId: meeting.id, documentId: meeting.documentId, role: access.role }
    wss.emit("connection", ws, req)
  })
})

server.listen(PORT, HOST, () => {
  const address = server.address()
  console.log(`stand-in publishing to ${PUBLISH_DIR}`)
  console.log(`listening on http://${HOST}:${address.port}`)
})

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    wss.close()
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
