import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { routeOf, seriesCallLink, seriesLink } from "../src/links.js"
import { actionsByOwner, chartPoints, chartSummary, onePerPage, statusWords } from "../src/seriesModel.js"
import type { PublishedCopy, SeriesCall } from "../src/types.js"

function call(date: string, attendees: number, open: number, done: number): SeriesCall {
  return {
    id: `m-${date}`,
    date,
    status: "closed",
    reopened: false,
    revision: 1,
    subject: `Weekly Meeting: ${date}`,
    documentUrl: `automerge:m-${date}`,
    published: [],
    attendees: Array.from({ length: attendees }, (_, i) => `Person ${i}`),
    actions: { open, done },
  }
}

describe("series routes", () => {
  it("reads a series link: the current call, or with /calls the overview", () => {
    assert.deepEqual(routeOf({ pathname: "/s/abc", hash: "#token=se_x" }), {
      kind: "series",
      seriesId: "abc",
      token: "se_x",
      overview: false,
    })
    assert.deepEqual(routeOf({ pathname: "/s/abc/calls", hash: "#token=se_x" }), {
      kind: "series",
      seriesId: "abc",
      token: "se_x",
      overview: true,
    })
  })

  it("reads and writes the link of one call of a series", () => {
    const link = seriesCallLink("s 1", "m/2", "t k")
    assert.equal(link, "/s/s%201/calls/m%2F2#token=t%20k")
    const [pathname, hash] = link.split("#")
    assert.deepEqual(routeOf({ pathname: pathname ?? "", hash: `#${hash}` }), {
      kind: "series",
      seriesId: "s 1",
      token: "t k",
      overview: false,
      call: "m/2",
    })
  })

  it("explains a series link without token or id", () => {
    assert.equal(routeOf({ pathname: "/s/abc", hash: "" }).kind, "bad-link")
    assert.equal(routeOf({ pathname: "/s/", hash: "#token=x" }).kind, "bad-link")
  })

  it("writes links that read back the same", () => {
    const link = seriesLink("a b", "t/k", true)
    const [pathname, hash] = link.split("#")
    assert.deepEqual(routeOf({ pathname: pathname ?? "", hash: `#${hash}` }), {
      kind: "series",
      seriesId: "a b",
      token: "t/k",
      overview: true,
    })
  })
})

describe("series overview model", () => {
  it("charts the calls oldest first", () => {
    const points = chartPoints([call("2026-12-16", 5, 2, 1), call("2026-12-09", 4, 3, 0)])
    assert.deepEqual(
      points.map((point) => [point.date, point.attendance, point.open, point.done]),
      [
        ["2026-12-09", 4, 3, 0],
        ["2026-12-16", 5, 2, 1],
      ],
    )
    assert.equal(
      chartSummary(points),
      "2 calls from 2026-12-09 to 2026-12-16. Attendance between 4 and 5. In the latest call 2 action items are open and 1 done.",
    )
    assert.equal(chartSummary([]), "No calls yet.")
  })

  it("groups open action items by owner, those without one last", () => {
    const groups = actionsByOwner([
      { owner: "Bob", text: "ship", meeting: "m1", date: "2026-12-02" },
      { owner: "", text: "book a room", meeting: "m1", date: "2026-12-02" },
      { owner: "Ada", text: "write", meeting: "m2", date: "2026-12-09" },
      { owner: "Bob", text: "tag", meeting: "m2", date: "2026-12-09" },
    ])
    assert.deepEqual(
      groups.map(([owner, items]) => [owner, items.map((item) => item.text)]),
      [
        ["Ada", ["write"]],
        ["Bob", ["ship", "tag"]],
        ["", ["book a room"]],
      ],
    )
  })

  it("groups an owner written short under the one person it names", () => {
    const people = ["Ada Lovelace", "Ben Okafor", "Thomas Gazagnaire", "Thomas Leonard"]
    const groups = actionsByOwner(
      [
        { owner: "Ben", text: "tag", meeting: "m1", date: "2026-12-02" },
        { owner: "Ben Okafor", text: "ship", meeting: "m2", date: "2026-12-09" },
        { owner: "ben okafor", text: "test", meeting: "m2", date: "2026-12-09" },
        { owner: "Thomas", text: "review", meeting: "m2", date: "2026-12-09" },
        { owner: "Thomas G", text: "merge", meeting: "m2", date: "2026-12-09" },
        { owner: "Bo", text: "guess", meeting: "m2", date: "2026-12-09" },
      ],
      people,
    )
    assert.deepEqual(
      groups.map(([owner, items]) => [owner, items.map((item) => item.text)]),
      [
        ["Ben Okafor", ["tag", "ship", "test"]],
        ["Bo", ["guess"]],
        ["Thomas", ["review"]],
        ["Thomas Gazagnaire", ["merge"]],
      ],
      "'Thomas' could be two people and 'Bo' is nobody's first name: as written",
    )
  })

  it("words a call's status", () => {
    assert.equal(statusWords({ status: "open", reopened: false, revision: 0 }), "in progress")
    assert.equal(statusWords({ status: "open", reopened: true, revision: 1 }), "reopened for corrections")
    assert.equal(statusWords({ status: "closed", reopened: false, revision: 2 }), "closed (revision 2)")
  })
})

describe("onePerPage", () => {
  it("keeps one entry per published page, delivered when any target delivered it, and every file of its own", () => {
    const url = "https://docs.example/weekly/weekly-2031-05-06"
    const copies: PublishedCopy[] = [
      { target: "folder", state: "pending", path: "2031-05-06.md", url },
      { target: "webhook", state: "delivered", path: "2031-05-06.md", url },
      { target: "archive", state: "failed", path: "2031-05-06.md", url: null },
    ]
    assert.deepEqual(
      onePerPage(copies).map((copy) => `${copy.target} ${copy.state}`),
      ["webhook delivered", "archive failed"],
    )
  })
})
