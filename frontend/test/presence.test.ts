import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { describe, it } from "node:test"
import { next as A } from "@automerge/automerge"
import { caretCursor, caretPosition } from "../src/caretCursors.js"
import { joinTime, leftMeeting, RETURN_WITHIN_MS } from "../src/identity.js"
import {
  assignColors,
  COLOR_FAMILIES,
  type ColorClaim,
  colorIndex,
  PALETTE_SIZE,
  RecentClaims,
} from "../src/presence.js"
import { parseAttendees } from "../src/text/attendees.js"

function people(count: number, start = 0): ColorClaim[] {
  return Array.from({ length: count }, (_, i) => ({ id: `person${start + i}`, joinedAt: 1000 + (start + i) * 10 }))
}

describe("assignColors", () => {
  it("gives up to twelve people twelve different colours", () => {
    for (let count = 1; count <= PALETTE_SIZE; count += 1) {
      const colors = [...assignColors(people(count)).values()]
      assert.equal(new Set(colors).size, count, `${count} people, all different`)
      assert.ok(colors.every((color) => color >= 0 && color < PALETTE_SIZE))
    }
  })

  it("gives up to seven people colours that do not look alike (one per family), whoever they are", () => {
    assert.deepEqual(
      COLOR_FAMILIES.flat().sort((a, b) => a - b),
      [...Array(PALETTE_SIZE).keys()],
    )
    const family = (color: number) => COLOR_FAMILIES.findIndex((f) => f.includes(color))
    for (let start = 0; start < 200; start += 7) {
      for (let count = 2; count <= COLOR_FAMILIES.length; count += 1) {
        const colors = [...assignColors(people(count, start)).values()]
        assert.equal(new Set(colors.map(family)).size, count, `${count} people from person${start}: ${colors}`)
      }
    }
  })

  it("is the same on every page, whatever order presence listed people in", () => {
    const everyone = people(9)
    const reversed = [...everyone].reverse()
    assert.deepEqual([...assignColors(reversed)].sort(), [...assignColors(everyone)].sort())
  })

  it("keeps the colours of people already here when someone joins", () => {
    for (let count = 1; count < PALETTE_SIZE; count += 1) {
      const before = assignColors(people(count))
      const after = assignColors([...people(count), { id: `late${count}`, joinedAt: 99_999 }])
      for (const [id, color] of before) assert.equal(after.get(id), color, `${id} keeps its colour`)
    }
  })

  it("gives a person the same colour in every meeting when it is free", () => {
    const alone = colorIndex("ann", [{ id: "ann", joinedAt: 5 }])
    assert.equal(
      colorIndex("ann", [
        { id: "bob", joinedAt: 9 },
        { id: "ann", joinedAt: 1 },
      ]),
      alone,
    )
  })

  it("counts a person with two pages once, from the earlier page", () => {
    const colors = assignColors([
      { id: "ann", joinedAt: 50 },
      { id: "bob", joinedAt: 20 },
      { id: "ann", joinedAt: 10 },
    ])
    assert.equal(colors.size, 2)
    assert.notEqual(colors.get("ann"), colors.get("bob"))
  })
})

/** Three people where the third wants the second's colour, as the hash of their ids decides. */
function sameWish(): [ColorClaim, ColorClaim, ColorClaim] {
  const wish = (id: string) => assignColors([{ id, joinedAt: 0 }]).get(id)
  const ben = { id: "ben", joinedAt: 2000 }
  let n = 0
  while (wish(`cy${n}`) !== wish("ben")) n += 1
  let a = 0
  while (wish(`ada${a}`) === wish("ben")) a += 1
  return [{ id: `ada${a}`, joinedAt: 1000 }, ben, { id: `cy${n}`, joinedAt: 3000 }]
}

/** What a page does when the presence changes: note who left, then colour everyone. */
function colours(claims: RecentClaims, present: readonly ColorClaim[], now: number): Map<string, number> {
  claims.observe(present, now)
  return assignColors(claims.with(present, now))
}

describe("RecentClaims", () => {
  it("keeps the colours of those here while someone reloads: gone, then back with the same join time", () => {
    const [ada, ben, cy] = sameWish()
    const claims = new RecentClaims(15_000)
    const before = colours(claims, [ada, ben, cy], 0)
    assert.notEqual(before.get(cy.id), before.get(ben.id))

    const whileAway = colours(claims, [ada, cy], 500)
    assert.equal(whileAway.get(cy.id), before.get(cy.id), "Cy keeps her colour while Ben reloads")
    const back = colours(claims, [ada, cy, ben], 1500)
    assert.deepEqual(back, before)
  })

  it("frees the colour of someone who left for good once the time is up", () => {
    const [ada, ben, cy] = sameWish()
    const claims = new RecentClaims(15_000)
    const before = colours(claims, [ada, ben, cy], 0)
    assert.equal(colours(claims, [ada, cy], 1000).get(cy.id), before.get(cy.id))
    assert.equal(colours(claims, [ada, cy], 14_999).get(cy.id), before.get(cy.id))
    assert.equal(colours(claims, [ada, cy], 16_001).get(cy.id), before.get(ben.id), "Cy gets the colour she wanted")
  })
})

describe("joinTime", () => {
  function memoryStorage(): Pick<Storage, "getItem" | "setItem"> {
    const items = new Map<string, string>()
    return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) }
  }

  it("keeps a tab's join time across a reload, and starts anew after a longer absence or in another meeting", () => {
    const storage = memoryStorage()
    assert.equal(joinTime("m1", 1000, storage), 1000)
    leftMeeting("m1", 5000, storage)
    assert.equal(joinTime("m1", 6000, storage), 1000, "a reload")
    assert.equal(joinTime("m2", 6500, storage), 6500, "another meeting")
    leftMeeting("m1", 9000, storage)
    assert.equal(joinTime("m1", 9000 + RETURN_WITHIN_MS, storage), 9000 + RETURN_WITHIN_MS, "back much later")
  })

  it("is now when the stored value is not one it wrote, or there is no storage", () => {
    const storage = memoryStorage()
    storage.setItem("minutes.joined.m1", "{not json")
    assert.equal(joinTime("m1", 42, storage), 42)
    assert.equal(joinTime("m1", 43, null), 43)
  })
})

describe("the .peer-color-N palette", () => {
  // Compiled to .unit-build/test/: the stylesheet is two levels up, in src/.
  const css = readFileSync(new URL("../../src/style.css", import.meta.url), "utf8")
  const darkStart = css.indexOf(
    ".peer-color-0",
    css.indexOf("@media (prefers-color-scheme: dark)", css.indexOf(".peer-color-11")),
  )

  function palette(part: string): { peer: string; text: string }[] {
    const found = [
      ...part.matchAll(/\.peer-color-(\d+) \{[^}]*--peer: (#[0-9a-f]{6});[^}]*--peer-text: (#[0-9a-f]{6});/g),
    ]
    const colors = found.slice(0, PALETTE_SIZE)
    assert.deepEqual(
      colors.map((match) => Number(match[1])),
      [...Array(PALETTE_SIZE).keys()],
      "classes 0 to 11, in order",
    )
    return colors.map((match) => ({ peer: match[2] as string, text: match[3] as string }))
  }

  for (const [theme, part] of [
    ["light", css.slice(0, darkStart)],
    ["dark", css.slice(darkStart)],
  ] as const) {
    it(`has ${PALETTE_SIZE} distinct colours with text on them at 4.5:1 or more (${theme})`, () => {
      const colors = palette(part)
      assert.equal(colors.length, PALETTE_SIZE)
      assert.equal(new Set(colors.map((color) => color.peer)).size, PALETTE_SIZE)
      for (const { peer, text } of colors) {
        assert.ok(contrast(peer, text) >= 4.5, `${text} on ${peer}: ${contrast(peer, text).toFixed(2)}:1`)
      }
    })
  }
})

describe("parseAttendees", () => {
  it("reads the paragraph the server writes, chair first, over wrapped lines", () => {
    const body =
      "\n### Agenda ###\n\n- Intro\n\nAttendees: Amir Chaudhry (chair), Anil Madhavapeddy, Thomas Leonard,\nMindy Preston and David Scott\n\n### Notes ###\n"
    assert.deepEqual(parseAttendees(body), [
      "Amir Chaudhry",
      "Anil Madhavapeddy",
      "Thomas Leonard",
      "Mindy Preston",
      "David Scott",
    ])
  })

  it("reads the corpus' emphasised labels, escapes and a final full stop", () => {
    assert.deepEqual(parseAttendees("*Attendees:* Thomas Gazagnaire, Vincent Bernardoff\n"), [
      "Thomas Gazagnaire",
      "Vincent Bernardoff",
    ])
    assert.deepEqual(parseAttendees("*Attendees*: Anil, Dave Scott & Daniel Bünzli.\n"), [
      "Anil",
      "Dave Scott",
      "Daniel Bünzli",
    ])
    assert.deepEqual(parseAttendees("attendees: \\#1 fan, Ann, ann\n"), ["#1 fan", "Ann"])
  })

  it("stops at the end of the paragraph and ignores code and empty lists", () => {
    assert.deepEqual(parseAttendees("Attendees: Ann\n- not a name\n"), ["Ann"])
    assert.deepEqual(parseAttendees("```\nAttendees: Code\n```\n"), [])
    assert.deepEqual(parseAttendees("Attendees:\n\n### Notes ###\n"), [])
    assert.deepEqual(parseAttendees("No list here"), [])
  })
})

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (high + 0.05) / (low + 0.05)
}

function luminance(hex: string): number {
  const channel = (offset: number): number => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

describe("caretCursor and caretPosition", () => {
  const edit = (doc: A.Doc<{ body: string }>, index: number, remove: number, insert = "") =>
    A.change(doc, (draft) => A.splice(draft, ["body"], index, remove, insert))

  it("keep a caret after the character before it when someone inserts at it", () => {
    let doc = A.from({ body: "Notes: ann" })
    const cursor = caretCursor(doc, 10)
    doc = edit(doc, 10, 0, " BOB")
    doc = edit(doc, 0, 0, "## ")
    assert.equal(caretPosition(doc, cursor), 13)
  })

  it("follow deletions to the nearest character before, and the start to the start", () => {
    let doc = A.from({ body: "abcdef" })
    const cursor = caretCursor(doc, 3)
    doc = edit(doc, 1, 3)
    assert.equal(caretPosition(doc, cursor), 1)
    const start = caretCursor(doc, 0)
    doc = edit(doc, 0, 0, "xy")
    assert.equal(caretPosition(doc, start), 0)
  })

  it("give null for a cursor from a change that has not arrived, and read older pages' cursors", () => {
    const other = edit(A.from({ body: "abc" }), 3, 0, "def")
    const unknown = caretCursor(other, 5)
    assert.equal(caretPosition(A.from({ body: "abc" }), unknown), null)
    const doc = A.from({ body: "abc" })
    assert.equal(caretPosition(doc, A.getCursor(doc, ["body"], 2)), 2)
    assert.equal(caretPosition(doc, null), null)
  })
})
