// Runs the browser tests (e2e/) against the stand-in server: starts it on a free port, waits for
// its "listening on" line, runs `node --test`, stops it, and exits with the tests' status.
// Needs a built dist/ (npm run build). Extra arguments go to `node --test` (e.g. a single file).

import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const server = spawn(process.execPath, ["dev/stand-in-server.mjs"], {
  cwd: root,
  env: { ...process.env, MINUTES_HTTP_PORT: "0" },
  stdio: ["ignore", "pipe", "inherit"],
})

const address = await new Promise((resolve, reject) => {
  server.once("exit", (code) => reject(new Error(`stand-in server exited (${code}) before listening`)))
  createInterface({ input: server.stdout }).on("line", (line) => {
    const match = /listening on (http:\/\/\S+)/.exec(line)
    if (match) resolve(match[1])
    else if (process.env.MINUTES_STAND_IN_VERBOSE) console.log(`[stand-in] ${line}`)
  })
})
console.log(`stand-in server at ${address}`)

const files = process.argv.slice(2)
const tests = spawn(process.execPath, ["--test", "--test-concurrency=1", ...(files.length ? files : ["e2e/"])], {
  cwd: root,
  env: { ...process.env, MINUTES_URL: address },
  stdio: "inherit",
})
const [code] = await once(tests, "exit")
server.kill("SIGTERM")
await once(server, "exit")
process.exit(code ?? 1)
