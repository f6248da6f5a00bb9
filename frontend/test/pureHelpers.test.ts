import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { ApiError, humanMessage } from "../src/api.js"
import { notInFinal } from "../src/closing/lateEdits.js"
import { meetingIdFrom, routeOf, syncUrl } from "../src/links.js"
import { localDate } from "../src/localDate.js"
import { withoutEscapes } from "../src/text/markdownLines.js"
import { readMetaString } from "../src/text/metaString.js"
import { bodyOfMinutesFile, publishedName } from "../src/text/minutesFile.js"
import { openingProblem } from "../src/ui/openingProblem.js"

describe("routeOf", () => {
  it("reads the meeting id from the path and the token from the fragment", () => {
    assert.deepEqual(routeOf({ pathname: "/m/abc123", hash: "#token=t0k%2Fen" }), {
      kind: "meeting",
      meetingId: "abc123",
      token: "t0k/en",
    })
  })

  it("treats the root as the start page, and any other address as not found", () => {
    assert.deepEqual(routeOf({ pathname: "/", hash: "" }), { kind: "start" })
    assert.deepEqual(routeOf({ pathname: "/index.html", hash: "" }), { kind: "start" })
    assert.deepEqual(routeOf({ pathname: "/nope", hash: "" }), { kind: "not-found" })
    assert.deepEqual(routeOf({ pathname: "/mx/abc", hash: "#token=x" }), { kind: "not-found" })
  })

  it("explains a link without token or id", () => {
    assert.equal(routeOf({ pathname: "/m/abc", hash: "" }).kind, "bad-link")
    assert.equal(routeOf({ pathname: "/m/", hash: "#token=x" }).kind, "bad-link")
  })
})

describe("meetingIdFrom", () => {
  it("accepts a bare id or a whole meeting link", () => {
    assert.equal(meetingIdFrom(" m-42 "), "m-42")
    assert.equal(meetingIdFrom("https://minutes.example/m/m-42#token=secret"), "m-42")
    assert.equal(meetingIdFrom(""), "")
  })
})

describe("readMetaString", () => {
  it("reads JS strings and Java-written ImmutableStrings alike", () => {
    assert.equal(readMetaString("Weekly Meeting"), "Weekly Meeting")
    assert.equal(readMetaString({ val: "2015-05-20" }), "2015-05-20")
    assert.equal(readMetaString(undefined), "")
    assert.equal(readMetaString(42), "")
  })
})

describe("bodyOfMinutesFile", () => {
  it("returns the body after the front matter byte for byte", () => {
    const file = "---\nupdated: 2014-04-01\nsubject: 'x'\n---\n\n### Agenda ###\n\n- a  \n\n"
    assert.equal(bodyOfMinutesFile(file), "\n### Agenda ###\n\n- a  \n\n")
  })

  it("returns null without front matter", () => {
    assert.equal(bodyOfMinutesFile("# just text\n"), null)
  })
})

describe("humanMessage", () => {
  it("words statuses for people", () => {
    assert.match(humanMessage(404, ""), /does not exist/)
    assert.match(humanMessage(503, "redis down"), /server ran into a problem/)
    assert.match(humanMessage(409, "meeting is closed"), /meeting is closed/)
  })
})

describe("syncUrl", () => {
  it("names the meeting for the balancer and carries the token, on the page's own origin", () => {
    assert.equal(
      syncUrl({ protocol: "https:", host: "minutes.example" }, "m 1", "t/k"),
      "wss://minutes.example/sync?meeting=m%201&token=t%2Fk",
    )
    assert.equal(
      syncUrl({ protocol: "http:", host: "127.0.0.1:8080" }, "abc", "t"),
      "ws://127.0.0.1:8080/sync?meeting=abc&token=t",
    )
  })
})

describe("publishedName", () => {
  it("prefers the path the server gives, else the last segment of the location, never a server path", () => {
    assert.equal(
      publishedName({ path: "2031-04-01.md", location: "/srv/data/published/2031-04-01.md" }),
      "2031-04-01.md",
    )
    assert.equal(publishedName({ location: "/srv/data/published/2031-04-01.md" }), "2031-04-01.md")
    assert.equal(publishedName({ location: "C:\\minutes\\published\\2031-04-01.md" }), "2031-04-01.md")
    assert.equal(publishedName({ location: "hooks.example.org" }), "hooks.example.org")
    assert.equal(publishedName({ location: null }), "")
  })
})

describe("openingProblem", () => {
  const refused = (status: number) => new ApiError(status, `http-${status}`, "The server says why.")

  it("names what could not be opened, and whether a reload may help", () => {
    assert.deepEqual(openingProblem(refused(404), "series"), {
      title: "This series does not exist.",
      detail: "The link may be wrong, or the series is on another server.",
      reload: false,
    })
    assert.equal(openingProblem(refused(404), "meeting").title, "This meeting does not exist.")
    assert.equal(openingProblem(refused(403), "meeting").title, "This link belongs to another meeting.")
    assert.equal(openingProblem(refused(401), "series").reload, false)
    assert.deepEqual(openingProblem(new ApiError(0, "network", "offline"), "meeting"), {
      title: "The server cannot be reached.",
      detail: "Check your connection, then reload this page.",
      reload: true,
    })
  })

  it("gives the server's own words for anything else, and a generic line for what is not the server's", () => {
    assert.deepEqual(openingProblem(refused(500), "meeting"), {
      title: "The meeting cannot be opened.",
      detail: "The server says why.",
      reload: true,
    })
    assert.equal(openingProblem(new TypeError("boom"), "series").detail, "Something unexpected went wrong.")
  })
})

describe("localDate", () => {
  it("is the day on the person's clock where UTC has already moved on", () => {
    const zone = process.env.TZ
    process.env.TZ = "America/Los_Angeles" // Node applies a new TZ at once
    try {
      // 05:00 UTC on 7 December is 21:00 on 6 December in California.
      assert.equal(localDate(new Date(Date.UTC(2026, 11, 7, 5, 0))), "2026-12-06")
      assert.equal(localDate(new Date(Date.UTC(2027, 0, 1, 9, 0))), "2027-01-01")
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })
})

describe("withoutEscapes", () => {
  it("shows Markdown's escaped punctuation as the characters, and leaves other backslashes", () => {
    assert.equal(withoutEscapes("review the \\[conflict] docs \\*now\\*"), "review the [conflict] docs *now*")
    assert.equal(withoutEscapes("C:\\Users and \\n"), "C:\\Users and \\n")
  })
})

describe("notInFinal", () => {
  it("gives the words a page showed beyond the final text, each stretch once, in order", () => {
    const final = "## Release\nWe ship on Friday.\n\n## AoB\n"
    const shown = "## Release\nWe ship on Friday. Then we celebrate.\n\n## AoB\nNext week: Ben\n"
    assert.deepEqual(notInFinal(shown, final), ["Then we celebrate.", "Next week: Ben"])
    assert.deepEqual(notInFinal(final, final), [])
    assert.deepEqual(notInFinal("## Release\n", final), [], "text the page had not received yet is not late")
  })
})
