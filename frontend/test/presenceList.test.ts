import assert from "node:assert/strict"
import { before, describe, it } from "node:test"
import { JSDOM } from "jsdom"
import type { PersonHere } from "../src/presence.js"

function person(key: string, name: string, self = false): PersonHere {
  return { key, name, self, color: 1, id: key, joinedAt: 0, role: "editor", cursor: null, line: 0 }
}

describe("the list of who is here", () => {
  let PresenceList: typeof import("../src/ui/presenceList.js").PresenceList

  before(async () => {
    globalThis.document = new JSDOM("<!doctype html><body></body>").window.document
    PresenceList = (await import("../src/ui/presenceList.js")).PresenceList
  })

  const names = (list: InstanceType<typeof PresenceList>) =>
    [...list.element.querySelectorAll("li")].map((item) => item.getAttribute("data-name"))

  it("offline, keeps those who were here when the connection dropped, and says so", () => {
    const list = new PresenceList()
    const ben = person("b", "Ben", true)
    list.show([ben, person("a", "Ada"), person("c", "Chloé")])
    list.setConnected(false)
    list.show([ben]) // presence forgets the others as their heartbeats stop coming
    assert.deepEqual(names(list), ["Ben", "Ada", "Chloé"])
    assert.equal(list.element.querySelector("[data-testid=presence-stale]")?.hasAttribute("hidden"), false)

    list.setConnected(true)
    assert.deepEqual(names(list), ["Ben"], "connected again: what presence says now")
    list.show([ben, person("a", "Ada")])
    assert.deepEqual(names(list), ["Ben", "Ada"])
    assert.equal(list.element.querySelector("[data-testid=presence-stale]")?.hasAttribute("hidden"), true)
  })
})
