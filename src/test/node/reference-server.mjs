// The reference sync server: an unmodified automerge-repo 2.5.6 Repo behind NodeWSServerAdapter,
// configured like @automerge/automerge-repo-sync-server (never announces documents). It keeps its
// documents in memory and has a storageId (an in-memory storage adapter), so clients can tell when
// their changes reached it. Used to check the test clients and to compare performance.
//
//   node reference-server.mjs --port 0 [--peer-id NAME] [--host 127.0.0.1]
//
// stdout: {"event":"listening","port":N,"peerId":..,"storageId":..} once serving.
// stdin: {"id":..,"cmd":"exit"} (or end of stdin) stops it, exit code 0.
import { Repo } from "@automerge/automerge-repo"
import { DummyStorageAdapter } from "@automerge/automerge-repo/helpers/DummyStorageAdapter.js"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { WebSocketServer } from "ws"
import { emit, emitAndExit, log, parseArgs, serveCommands } from "./lines.mjs"

const options = parseArgs(process.argv.slice(2), { port: "value", host: "value", peerId: "value" })

const socketServer = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: Number(options.port ?? 0) })
socketServer.on("error", error => {
  log("websocket server error:", error?.stack ?? error)
  process.exit(1)
})

const repo = new Repo({
  network: [new NodeWSServerAdapter(socketServer)],
  storage: new DummyStorageAdapter(),
  peerId: options.peerId ?? "reference-server",
  sharePolicy: async () => false,
})

async function shutdown() {
  try {
    await repo.shutdown()
  } catch (e) {
    log("shutdown:", e?.stack ?? e)
  }
  await new Promise(resolve => socketServer.close(() => resolve()))
}

socketServer.on("listening", async () => {
  emit({ event: "listening", port: socketServer.address().port, peerId: repo.peerId, storageId: await repo.storageId() })
})

serveCommands(
  async command => {
    if (command.cmd === "exit") {
      await shutdown()
      emitAndExit({ id: command.id, ok: true }, 0)
      return new Promise(() => {}) // the reply above is the only one
    }
    throw new Error(`unknown command ${command.cmd}; known: exit`)
  },
  () => shutdown().then(() => process.exit(0)),
)
