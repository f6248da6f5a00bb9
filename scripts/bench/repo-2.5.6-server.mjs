// A sync server made the way @automerge/automerge-repo-sync-server is made today, on
// @automerge/automerge-repo 2.5.6: a Repo with the NodeWSServerAdapter and NodeFS file storage that
// never announces documents (sharePolicy false). Benchmark reference only; bench-references.sh copies
// it into its scratch folder, next to the packages it installs there.
//
//   PORT=3031 DATA_DIR=/tmp/x node repo-2.5.6-server.mjs     (listens on 127.0.0.1 only)
import fs from "fs"
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const dir = process.env.DATA_DIR ?? ".amrg"
fs.mkdirSync(dir, { recursive: true })
const socket = new WebSocketServer({ host: "127.0.0.1", port: Number(process.env.PORT ?? 3030) })
const repo = new Repo({
  network: [new NodeWSServerAdapter(socket)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: "storage-server-reference",
  sharePolicy: async () => false,
})
socket.on("listening", () => console.log(`Listening on port ${socket.address().port}`))
const stop = () => {
  repo.shutdown().finally(() => socket.close(() => process.exit(0)))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
