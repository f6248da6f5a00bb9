import assert from "node:assert/strict"
import { createServer, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { after, before, describe, it } from "node:test"
import { ApiError, MinutesApi } from "../src/api.js"

// A real HTTP server on loopback; the page's client asks its own origin, so relative paths are
// resolved against this server's address, as a browser resolves them against the page's.
const hanging: ServerResponse[] = []
let server: Server
let origin: string
const browserFetch = globalThis.fetch

before(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case "/api/meetings/silent":
        hanging.push(response)
        return
      case "/api/meetings/half":
        response.writeHead(200, { "Content-Type": "application/json" })
        response.write('{"id":')
        hanging.push(response)
        return
      case "/api/meetings/closed/close":
        response.writeHead(409, { "Content-Type": "application/json" })
        response.end(JSON.stringify({ error: "closed", message: "the meeting is closed" }))
        return
      default:
        response.writeHead(200, { "Content-Type": "application/json" })
        response.end(JSON.stringify({ id: "m1", status: "open" }))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  resolveAgainst(origin)
})

function resolveAgainst(base: string): void {
  globalThis.fetch = (input, init) => browserFetch(new URL(String(input), base), init)
}

after(async () => {
  globalThis.fetch = browserFetch
  for (const response of hanging) response.destroy()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => assert.fail("the request should have failed"),
    (cause: unknown) => cause,
  )
  assert.ok(error instanceof ApiError, `an ApiError, not ${String(error)}`)
  return error
}

describe("MinutesApi", { timeout: 10_000 }, () => {
  it("reads an answer", async () => {
    const info = await new MinutesApi(2_000).meeting("m1", "t")
    assert.equal(info.status, "open")
  })

  it("gives up on a server that never answers, as unreachable", async () => {
    const error = await refusal(new MinutesApi(200).meeting("silent", "t"))
    assert.equal(error.code, "timeout")
    assert.ok(error.unreachable)
    assert.match(error.message, /did not answer in time/)
  })

  it("gives up on an answer whose body never ends", async () => {
    const error = await refusal(new MinutesApi(200).meeting("half", "t"))
    assert.equal(error.code, "timeout")
  })

  it("says the server cannot be reached when nothing listens", async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const nobody = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    resolveAgainst(nobody)
    try {
      const error = await refusal(new MinutesApi(2_000).meeting("m1", "t"))
      assert.equal(error.code, "network")
      assert.ok(error.unreachable)
    } finally {
      resolveAgainst(origin)
    }
  })

  it("keeps the server's refusal and its words", async () => {
    const error = await refusal(new MinutesApi(2_000).close("closed", "t", "Ada"))
    assert.equal(error.status, 409)
    assert.equal(error.code, "closed")
    assert.match(error.message, /the meeting is closed/)
    assert.ok(!error.unreachable)
  })
})
