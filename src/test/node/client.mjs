// An unmodified automerge-repo 2.5.6 client (the one browsers use, with the WebSocket adapter),
// driven by JSON-line commands on stdin so that Java tests can prove a server compatible with it.
//
//   node client.mjs --url ws://127.0.0.1:PORT/sync?token=T [--peer-id NAME] [--retry-ms 200]
//                   [--memory-storage] [--drop-sends-while-closing] [--no-error-trap]
//
// --drop-sends-while-closing works around automerge-repo 2.5.6: a sync message that arrives while
// the socket is closing is applied inside DocHandle.update, whose reply then throws "Websocket not
// ready (2)" from the adapter's send; the update is abandoned after Automerge already outdated the
// document, and every later change of that handle fails ("Attempting to change an outdated
// document"). With the flag such sends are dropped (event send-dropped); the next connection syncs.
//
// --no-error-trap leaves exceptions thrown from the adapter's event handlers uncaught, as in any plain
// script: such an exception ends the process (tests use it to show a refusal does not).
//
// stdout: one JSON object per line, either an event ({"event":...}) or the reply to a command
// ({"id":..,"ok":true,...} / {"id":..,"ok":false,"error":"..."}). Diagnostics go to stderr.
// Heads are always hex change hashes (as Automerge's getHeads and the Java binding give them).
//
// Commands (optional "url" picks a document this client created/found; default: the last one):
//   create {init}                 -> {url, documentId, heads}           repo.create(init)
//   find {url, timeoutMs?}        -> {url, text, heads, elapsedMs}      await repo.find(url)
//                                    failure: {error:"Document … is unavailable (after N ms)", unavailable, elapsedMs}
//   waitReady {url, timeoutMs?}   -> {url, text, heads}                 a handle asked for earlier becomes ready
//   randomUrl                     -> {url}                              a document that exists nowhere
//   splice {index, delete, insert}-> {heads, length}                    A.splice(d, ["body"], …)
//   type {text, at:"end"|i, perChange:1, intervalMs:0, time?, secondsPerChange?} -> {changes, heads, length}
//                                    time: the changes' timestamps (seconds) start there, secondsPerChange apart
//                                    (as if typed over that span; default: the clock now)
//   insertAfter {after?, text}    -> {found, heads, length}             inserts text right after the first
//                                    occurrence of `after` (at the end without it), in one change
//   deleteText {text, time?}      -> {found, heads, length}             deletes the first occurrence, in one change
//   put {path:[..], value}        -> {heads}
//   actor                         -> {actor}                            A.getActorId of the document
//   text                          -> {text, heads}
//   doc                           -> {doc, heads}                       whole document as plain JSON
//   waitDoc {path:[..], equals, timeoutMs:10000} -> {value, doc, heads}  value at path (plain JSON) equals
//   waitText {equals|contains, timeoutMs:10000} -> {text, heads}
//   waitSaved {timeoutMs:10000}   -> {heads, serverHeads, storageId, elapsedMs}
//   broadcast {message}           -> {}                                 handle.broadcast(message)
//   disconnect                    -> {}                                 offline; edits stay local
//   reconnect {wait:true, timeoutMs:10000} -> {peerId, storageId}       new adapter, same peerId
//   drop                          -> {}                                 kill the socket; the adapter reconnects itself
//   status                        -> {peerId, peers, serverPeerId, state, url}
//   exit                          -> {} then exit code 0
// Events: ready {peerId}; peer {peerId, storageId, isEphemeral}; peer-disconnected {peerId};
//   ephemeral {documentId, senderId, message}; error-message {senderId, message, targetId};
//   socket-closed {code, reason} (sockets that had opened); socket-error {error};
//   uncaught-error {error} (e.g. "Unexpected server response: 401", repeated on every retry);
//   undecodable-frame {error}.
import * as A from "@automerge/automerge"
import { Repo, cbor, decodeHeads, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo"
import { DummyStorageAdapter } from "@automerge/automerge-repo/helpers/DummyStorageAdapter.js"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { emit, emitAndExit, log, parseArgs, serveCommands, withTimeout } from "./lines.mjs"

const options = parseArgs(process.argv.slice(2), {
  url: "value",
  peerId: "value",
  retryMs: "value",
  memoryStorage: "flag",
  dropSendsWhileClosing: "flag",
  noErrorTrap: "flag",
})
if (!options.url) throw new Error("--url is required")
const retryMs = Number(options.retryMs ?? 200)

// The adapter throws from its socket "error" listener for anything but ECONNREFUSED (e.g. an HTTP 401
// answer to the upgrade). In a browser that error is invisible and harmless; here it would kill the
// process, so it is reported as an event and the client stays alive for further commands.
// Retries repeat the same error every --retry-ms: its stack is logged once, so stderr keeps room for news.
const loggedErrors = new Set()
if (!options.noErrorTrap) {
  process.on("uncaughtException", error => {
    const message = error?.message ?? String(error)
    log("uncaught exception:", loggedErrors.has(message) ? message : error?.stack ?? error)
    loggedErrors.add(message)
    emit({ event: "uncaught-error", error: message })
  })
}

/**
 * The official adapter, unchanged in behaviour; the subclass only observes what it receives so tests
 * can see things the adapter swallows: `error` protocol messages (the adapter only logs them) and
 * socket closes. `retire()` makes a removed adapter ignore a reconnect timer that was already
 * pending, so that `disconnect` really stays offline.
 */
/** Every frame the adapter received from the server, for tests that look for a message storm. */
let framesReceived = 0

class ObservedClientAdapter extends WebSocketClientAdapter {
  #retired = false

  connect(peerId, peerMetadata) {
    if (this.#retired) return
    super.connect(peerId, peerMetadata)
    // Only sockets that opened report their close, and refused connections are not reported, so that
    // retries every --retry-ms while the server is down do not flood the event list.
    const socket = this.socket
    let opened = false
    socket.addEventListener("open", () => (opened = true))
    socket.addEventListener("close", event => {
      if (opened) emit({ event: "socket-closed", code: event.code, reason: String(event.reason ?? "") })
    })
    // Also keeps ws from throwing an unhandled "error" when disconnect() removed the adapter's own
    // listener while the socket was still connecting.
    socket.addEventListener("error", event => {
      if (event.error?.code !== "ECONNREFUSED") emit({ event: "socket-error", error: String(event.message ?? event.error) })
    })
  }

  receiveMessage(messageBytes) {
    framesReceived += 1
    try {
      const message = cbor.decode(new Uint8Array(messageBytes))
      if (message?.type === "error") {
        emit({ event: "error-message", senderId: message.senderId, message: message.message, targetId: message.targetId })
      }
    } catch (e) {
      emit({ event: "undecodable-frame", error: String(e) })
    }
    super.receiveMessage(messageBytes)
  }

  send(message) {
    if (options.dropSendsWhileClosing && this.socket && this.socket.readyState !== 1 /* OPEN */) {
      emit({ event: "send-dropped", type: message.type, readyState: this.socket.readyState })
      return
    }
    super.send(message)
  }

  retire() {
    this.#retired = true
  }

  isRetired() {
    return this.#retired
  }
}

const newAdapter = () => new ObservedClientAdapter(options.url, retryMs)
let adapter = newAdapter()
const repo = new Repo({
  network: [adapter],
  peerId: options.peerId,
  storage: options.memoryStorage ? new DummyStorageAdapter() : undefined,
})

/** The server: this client has one network adapter, hence at most one peer. */
let serverPeerId
repo.networkSubsystem.on("peer", ({ peerId, peerMetadata }) => {
  serverPeerId = peerId
  emit({ event: "peer", peerId, storageId: peerMetadata?.storageId ?? null, isEphemeral: peerMetadata?.isEphemeral ?? null })
})
repo.networkSubsystem.on("peer-disconnected", ({ peerId }) => emit({ event: "peer-disconnected", peerId }))

/** Handles this client opened, by documentId; `current` is the one commands act on by default. */
const handles = new Map()
let current

function track(handle) {
  if (!handles.has(handle.documentId)) {
    handles.set(handle.documentId, handle)
    handle.on("ephemeral-message", ({ senderId, message }) =>
      emit({ event: "ephemeral", documentId: handle.documentId, senderId, message }),
    )
  }
  current = handle
  return handle
}

function handleFor(command) {
  if (command.url) {
    const handle = handles.get(parseAutomergeUrl(command.url).documentId)
    if (!handle) throw new Error(`no document ${command.url} was created or found by this client`)
    return handle
  }
  if (!current) throw new Error("no document yet: create or find one first")
  return current
}

const hexHeads = handle => A.getHeads(handle.doc())

/** body as a JS string: text written by JS is a string, a scalar string written by Java an ImmutableString. */
function bodyText(doc) {
  const body = doc.body
  if (body === undefined || body === null) return ""
  return typeof body === "string" ? body : body.toString()
}

/** Plain JSON of a document: ImmutableStrings become strings, Counters numbers, bytes hex. */
function plain(value) {
  if (value === null || value === undefined) return value ?? null
  if (A.isImmutableString(value)) return value.toString()
  if (value instanceof A.Counter) return value.value
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex")
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

/**
 * Resolves when check() returns a truthy value, re-checking on every event named in `triggers`
 * ([[emitter, eventName], ...]).
 */
function waitFor(triggers, check, timeoutMs, describe) {
  let cleanup = () => {}
  const satisfied = new Promise((resolve, reject) => {
    const recheck = () => {
      try {
        const result = check()
        if (result) {
          cleanup()
          resolve(result)
        }
      } catch (e) {
        cleanup()
        reject(e)
      }
    }
    cleanup = () => triggers.forEach(([emitter, name]) => emitter.off(name, recheck))
    triggers.forEach(([emitter, name]) => emitter.on(name, recheck))
    recheck()
  })
  return withTimeout(satisfied, timeoutMs, describe).finally(cleanup)
}

/**
 * Whether the server holds every change in `target` (hex heads): each target head is one of the
 * server's heads or an ancestor of them. Ancestry is decided locally: if this client knows all the
 * server's heads, the changes "since" the server heads are exactly the local changes the server
 * lacks. If the server has changes this client has not received yet, the check waits for them.
 */
function serverHasAll(doc, serverHeads, target) {
  if (target.every(head => serverHeads.includes(head))) return true
  if (!A.hasHeads(doc, serverHeads)) return false
  const missingOnServer = new Set(A.getChangesMetaSince(doc, serverHeads).map(change => change.hash))
  return target.every(head => !missingOnServer.has(head))
}

/**
 * Splits text into chunks of `perChange` code points (never splitting a surrogate pair) and inserts
 * them one change each, following a cursor so that concurrent remote edits do not move the typing
 * position (as an editor would).
 */
async function type(handle, text, at, perChange, intervalMs, clock) {
  const codePoints = Array.from(text)
  let position = at === "end" || at === undefined ? bodyText(handle.doc()).length : Number(at)
  let anchor = position > 0 ? A.getCursor(handle.doc(), ["body"], position - 1) : undefined
  let changes = 0
  for (let i = 0; i < codePoints.length; i += perChange) {
    const chunk = codePoints.slice(i, i + perChange).join("")
    position = anchor === undefined ? 0 : A.getCursorPosition(handle.doc(), ["body"], anchor) + 1
    const options = clock ? { time: Math.floor(clock.time + changes * clock.secondsPerChange) } : undefined
    handle.change(d => A.splice(d, ["body"], position, 0, chunk), options)
    changes++
    anchor = A.getCursor(handle.doc(), ["body"], position + chunk.length - 1)
    if (intervalMs > 0) await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  return changes
}

function setAtPath(doc, path, value) {
  let target = doc
  for (const key of path.slice(0, -1)) {
    if (target[key] === undefined) target[key] = {}
    target = target[key]
  }
  target[path[path.length - 1]] = value
}

const commands = {
  /** repo.create(init); the new document becomes current. */
  async create({ init }) {
    const handle = track(repo.create(init ?? { body: "" }))
    return { url: handle.url, documentId: handle.documentId, heads: hexHeads(handle) }
  },

  /**
   * 2.5.6 `await repo.find(url)`: resolves with a ready handle or rejects "Document … is unavailable".
   * The failure reply carries `unavailable` and `elapsedMs` so tests can assert it failed fast.
   */
  async find({ url, timeoutMs }) {
    const started = performance.now()
    try {
      const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined
      const handle = track(await repo.find(url, { signal }))
      return { url: handle.url, text: bodyText(handle.doc()), heads: hexHeads(handle), elapsedMs: elapsed(started) }
    } catch (e) {
      const elapsedMs = elapsed(started)
      const error = new Error(`${e?.message ?? e} (after ${elapsedMs} ms)`)
      error.details = { unavailable: /unavailable/.test(String(e?.message)), elapsedMs }
      throw error
    }
  },

  /** Waits until a handle this client already asked for becomes ready (e.g. a late arrival). */
  async waitReady({ url, timeoutMs = 10000 }) {
    const { documentId } = parseAutomergeUrl(url)
    const handle = repo.handles[documentId]
    if (!handle) throw new Error(`this client never asked for ${url}`)
    await withTimeout(handle.whenReady(["ready"]), timeoutMs, () => `${url} to become ready (state ${handle.state})`)
    track(handle)
    return { url, text: bodyText(handle.doc()), heads: hexHeads(handle) }
  },

  /** A fresh URL of a document that exists nowhere. */
  async randomUrl() {
    return { url: generateAutomergeUrl() }
  },

  async splice(command) {
    const handle = handleFor(command)
    handle.change(d => A.splice(d, ["body"], command.index, command.delete ?? 0, command.insert ?? ""))
    return { heads: hexHeads(handle), length: bodyText(handle.doc()).length }
  },

  /** Types `text` at `at` ("end" or an index), `perChange` characters per change, `intervalMs` apart. */
  async type(command) {
    const handle = handleFor(command)
    const clock = command.time === undefined ? null : { time: command.time, secondsPerChange: command.secondsPerChange ?? 0 }
    const changes = await type(handle, command.text, command.at, command.perChange ?? 1, command.intervalMs ?? 0, clock)
    return { changes, heads: hexHeads(handle), length: bodyText(handle.doc()).length }
  },

  /**
   * Finds the position and edits in the same change, so that remote changes arriving between two
   * commands cannot shift it: the chaos test inserts next to, and deletes, whole tokens this way.
   */
  async insertAfter(command) {
    const handle = handleFor(command)
    let found = true
    handle.change(d => {
      const body = bodyText(d)
      let at = body.length
      if (command.after !== undefined) {
        const index = body.indexOf(command.after)
        found = index >= 0
        at = index + command.after.length
      }
      if (found) A.splice(d, ["body"], at, 0, command.text)
    })
    return { found, heads: hexHeads(handle), length: bodyText(handle.doc()).length }
  },

  async deleteText(command) {
    const handle = handleFor(command)
    let found = false
    handle.change(
      d => {
        const index = bodyText(d).indexOf(command.text)
        found = index >= 0
        if (found) A.splice(d, ["body"], index, command.text.length)
      },
      command.time === undefined ? undefined : { time: command.time },
    )
    return { found, heads: hexHeads(handle), length: bodyText(handle.doc()).length }
  },

  /** Sets a value at a path of the document (e.g. ["meta","subject"]); strings become text. */
  async put(command) {
    const handle = handleFor(command)
    handle.change(d => setAtPath(d, command.path, command.value))
    return { heads: hexHeads(handle) }
  },

  /** The Automerge actor id (hex) this client's changes to the document carry. */
  async actor(command) {
    return { actor: A.getActorId(handleFor(command).doc()) }
  },

  async text(command) {
    const handle = handleFor(command)
    return { text: bodyText(handle.doc()), heads: hexHeads(handle) }
  },

  async doc(command) {
    const handle = handleFor(command)
    return { doc: plain(A.toJS(handle.doc())), heads: hexHeads(handle) }
  },

  /** Resolves when the value at `path` (as plain JSON) equals `equals`; event driven (handle "change"). */
  async waitDoc(command) {
    const handle = handleFor(command)
    const { path, equals, timeoutMs = 10000 } = command
    if (!Array.isArray(path)) throw new Error("waitDoc needs a path (array of keys)")
    const valueAt = () =>
      path.reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), plain(A.toJS(handle.doc())))
    const matched = await waitFor(
      [[handle, "change"]],
      () => (JSON.stringify(valueAt()) === JSON.stringify(equals) ? { value: valueAt() } : undefined),
      timeoutMs,
      () => `${JSON.stringify(path)} to equal ${JSON.stringify(equals)}; it is ${JSON.stringify(valueAt())}`,
    )
    return { ...matched, doc: plain(A.toJS(handle.doc())), heads: hexHeads(handle) }
  },

  /** Resolves when body equals / contains the given text; event driven (handle "change"). */
  async waitText(command) {
    const handle = handleFor(command)
    const { equals, contains, timeoutMs = 10000 } = command
    if (equals === undefined && contains === undefined) throw new Error("waitText needs equals or contains")
    const matches = text => (equals !== undefined ? text === equals : text.includes(contains))
    const text = await waitFor(
      [[handle, "change"]],
      () => {
        const text = bodyText(handle.doc())
        return matches(text) ? { text } : undefined
      },
      timeoutMs,
      () => `body ${equals !== undefined ? "equal to" : "containing"} ${JSON.stringify(equals ?? contains)}; body is ${JSON.stringify(bodyText(handle.doc()).slice(0, 2000))}`,
    )
    return { ...text, heads: hexHeads(handle) }
  },

  /**
   * Resolves when the server holds every change this client had when the command arrived.
   *
   * Mechanism (automerge-repo 2.5.6, Repo.js): on every "sync-state" event of a DocSynchronizer
   * (after each sync message sent to or received from a peer) the Repo looks up the peer's storageId
   * from its `peer` message metadata and, when `syncState.theirHeads` changed, calls
   * `handle.setSyncInfo(storageId, {lastHeads})`, which emits the handle's "remote-heads" event.
   * `theirHeads` are the heads the server announced in its last sync message, so
   * `handle.getRemoteHeads(serverStorageId)` is "what the server says it has". This works without
   * remote-heads gossiping, but only if the server announced a storageId. While offline it waits
   * for the connection (up to timeoutMs).
   */
  async waitSaved(command) {
    const handle = handleFor(command)
    const { timeoutMs = 10000 } = command
    const started = performance.now()
    const target = hexHeads(handle)
    const storageId = () => serverPeerId && repo.getStorageIdOfPeer(serverPeerId)
    const serverHeads = () => (storageId() ? decodeHeads(handle.getRemoteHeads(storageId()) ?? []) : [])
    await waitFor(
      [[handle, "remote-heads"], [handle, "change"], [repo.networkSubsystem, "peer"]],
      () => {
        if (serverPeerId && repo.peerMetadataByPeerId[serverPeerId] && !storageId()) {
          throw new Error(`the server ${serverPeerId} announced no storageId: cannot tell what it saved`)
        }
        return storageId() && serverHasAll(handle.doc(), serverHeads(), target)
      },
      timeoutMs,
      () => `server ${serverPeerId ?? "(not connected)"} storage ${storageId()} to hold heads ${target}; its heads are ${serverHeads()}`,
    )
    return { heads: target, serverHeads: serverHeads(), storageId: storageId(), elapsedMs: elapsed(started) }
  },

  /** handle.broadcast(message): an `ephemeral` message to the peers syncing the document. */
  async broadcast(command) {
    handleFor(command).broadcast(command.message)
    return {}
  },

  /** Goes offline: the adapter closes its socket and is removed; edits from now on stay local. */
  async disconnect() {
    goOffline()
    return {}
  },

  /**
   * Comes back online with a new adapter (a new socket, same peerId). By default resolves once the
   * server answered with `peer`; `"wait":false` resolves at once (e.g. when the connection must fail).
   */
  async reconnect({ wait = true, timeoutMs = 10000 }) {
    goOffline()
    adapter = newAdapter()
    const peer = new Promise(resolve => repo.networkSubsystem.once("peer", resolve))
    repo.networkSubsystem.addNetworkAdapter(adapter)
    if (!wait) return {}
    const { peerId, peerMetadata } = await withTimeout(peer, timeoutMs, () => `a peer message after reconnecting to ${options.url}`)
    return { peerId, storageId: peerMetadata?.storageId ?? null }
  },

  /**
   * Kills the socket without a close handshake, as a network failure would; the adapter notices the
   * close and reconnects by itself after --retry-ms (its own retry logic, unlike `reconnect`).
   */
  async drop() {
    if (!adapter.socket) throw new Error("not connected")
    adapter.socket.terminate()
    return {}
  },

  async status(command) {
    const handle = current && handleFor(command)
    return {
      peerId: repo.peerId,
      peers: repo.peers,
      serverPeerId: serverPeerId ?? null,
      state: handle?.state ?? null,
      url: handle?.url ?? null,
      framesReceived,
    }
  },

  async exit(command) {
    await shutdown()
    emitAndExit({ id: command.id, ok: true }, 0)
    return new Promise(() => {}) // the reply above is the only one
  },
}

function goOffline() {
  if (adapter.isRetired()) return
  adapter.retire()
  if (adapter.socket) {
    repo.networkSubsystem.removeNetworkAdapter(adapter)
  } else {
    // not connected yet (the adapter's disconnect() asserts a socket): just forget it
    repo.networkSubsystem.adapters = repo.networkSubsystem.adapters.filter(a => a !== adapter)
  }
}

const elapsed = started => Math.round(performance.now() - started)

async function shutdown() {
  try {
    await repo.shutdown()
  } catch (e) {
    log("shutdown:", e?.stack ?? e)
  }
}

serveCommands(
  command => {
    const run = commands[command.cmd]
    if (!run) throw new Error(`unknown command ${command.cmd}; known: ${Object.keys(commands).join(", ")}`)
    return run(command)
  },
  () => shutdown().then(() => process.exit(0)),
)

emit({ event: "ready", peerId: repo.peerId })
