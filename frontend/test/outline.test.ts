import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseOutline } from "../src/text/outline.js"

const BODY = [
  "",
  "### Agenda ###",
  "",
  "- Quality and Test",
  "",
  "Attendees: Amir Chaudhry (chair), Anil Madhavapeddy",
  "",
  "### Notes ###",
  "",
  "#### Quality and Test ####",
  "",
  "Text with a # inside.",
  "#### Basic CI",
  "```",
  "# not a heading inside code",
  "```",
  "#hashtag is not a heading",
  "#### AoB ####",
  "",
].join("\n")

describe("parseOutline", () => {
  it("finds closed and open ATX headings with their level, line and offset", () => {
    const outline = parseOutline(BODY)
    assert.deepEqual(
      outline.map(({ level, title, line }) => ({ level, title, line })),
      [
        { level: 3, title: "Agenda", line: 2 },
        { level: 3, title: "Notes", line: 8 },
        { level: 4, title: "Quality and Test", line: 10 },
        { level: 4, title: "Basic CI", line: 13 },
        { level: 4, title: "AoB", line: 18 },
      ],
    )
    for (const entry of outline) {
      assert.ok(BODY.slice(entry.from).startsWith("#"), `offset of "${entry.title}" points at its line`)
    }
  })

  it("ignores headings inside fenced code, including tilde fences", () => {
    assert.deepEqual(parseOutline("~~~\n# code\n~~~\n# Real"), [{ level: 1, title: "Real", line: 4, from: 15 }])
  })

  it("skips empty headings and lines with seven hashes", () => {
    assert.deepEqual(parseOutline("#\n####### seven\n## ##"), [])
  })
})
