import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { next as A } from "@automerge/automerge"
import { countPendingChanges } from "../src/sync/pendingChanges.js"

/** Another peer's copy: a fresh actor, as a different browser or the server would have. */
function fork<T>(doc: A.Doc<T>): A.Doc<T> {
  return A.load<T>(A.save(doc))
}

function edited(doc: A.Doc<{ body: string }>, text: string): A.Doc<{ body: string }> {
  return A.change(doc, (d) => A.splice(d, ["body"], d.body.length, 0, text))
}

describe("countPendingChanges", () => {
  it("is null while the server's heads are unknown", () => {
    assert.equal(countPendingChanges(A.from({ body: "" }), null), null)
  })

  it("counts local changes the server heads do not contain, and reaches 0 when they do", () => {
    const server = A.from({ body: "start" })
    const serverHeads = A.getHeads(server)
    let local = fork(server)
    local = edited(local, "a")
    local = edited(local, "b")
    assert.equal(countPendingChanges(local, serverHeads), 2)
    assert.equal(countPendingChanges(local, A.getHeads(local)), 0)
  })

  it("is 0 when the server is ahead with changes we already hold", () => {
    let local = A.from({ body: "x" })
    local = edited(local, "y")
    const serverAhead = edited(fork(local), "z")
    local = A.merge(local, serverAhead)
    assert.equal(countPendingChanges(local, A.getHeads(serverAhead)), 0)
  })

  it("tells apart a server holding only others' concurrent changes from one that merged ours", () => {
    const origin = A.from({ body: "x" })
    const local = edited(fork(origin), "mine")
    const other = edited(fork(origin), "theirs")
    // The server holds origin + the other person's change, which we do not know yet.
    assert.equal(countPendingChanges(local, A.getHeads(other)), 2)
    // Once the server has merged ours, its heads name our change even though we lack theirs.
    const merged = A.merge(fork(other), local)
    assert.equal(countPendingChanges(local, A.getHeads(merged)), 0)
  })
})
