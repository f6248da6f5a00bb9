import assert from "node:assert/strict"
import { before, describe, it } from "node:test"
import { JSDOM } from "jsdom"
import {
  changeSummary,
  closedWords,
  compareLines,
  correctionsOf,
  type LineComparison,
  revisionsToLoad,
} from "../src/corrections/correctionModel.js"

/** The comparison as `sign text` lines, folds as `… n`: what a reader of the diff sees. */
function shown(comparison: LineComparison): string[] {
  const out: string[] = []
  for (const hunk of comparison.hunks) {
    if (hunk.skipped > 0) out.push(`… ${hunk.skipped}`)
    for (const line of hunk.lines) out.push(`${{ added: "+", removed: "-", kept: " " }[line.kind]}${line.text}`)
  }
  if (comparison.skippedAfter > 0) out.push(`… ${comparison.skippedAfter}`)
  return out
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`).join("\n")

describe("compareLines", () => {
  it("marks a changed line as removed then added, with two unchanged lines either side", () => {
    const before = `${numbered(1, 10)}\n`
    const after = `${before.replace("line 5\n", "line five\n")}`
    const comparison = compareLines(before, after)
    assert.deepEqual(shown(comparison), [
      "… 2",
      " line 3",
      " line 4",
      "-line 5",
      "+line five",
      " line 6",
      " line 7",
      "… 3",
    ])
    assert.equal(comparison.added, 1)
    assert.equal(comparison.removed, 1)
  })

  it("keeps changes close together in one hunk and far apart in two", () => {
    const before = `${numbered(1, 20)}\n`
    const near = compareLines(before, before.replace("line 3\n", "").replace("line 6\n", "line 6\nnew\n"))
    assert.equal(near.hunks.length, 1)
    const far = compareLines(before, before.replace("line 2\n", "").replace("line 18\n", "line 18\nnew\n"))
    assert.equal(far.hunks.length, 2)
    assert.equal(far.hunks[1]?.skipped, 12, "lines 5 to 16 fold between the two changes")
  })

  it("shows an added last line without a newline as one added line, not a changed neighbour", () => {
    const comparison = compareLines("a\nb\n", "a\nb\nA correction.")
    assert.deepEqual(shown(comparison), [" a", " b", "+A correction."])
  })

  it("treats a missing newline at the end as no change", () => {
    assert.deepEqual(compareLines("a\nb", "a\nb\n").hunks, [])
  })

  it("keeps empty lines as lines", () => {
    const comparison = compareLines("a\n\nb\n", "a\n\n\nb\n")
    assert.equal(comparison.added, 1)
    assert.deepEqual(
      comparison.hunks.flatMap((hunk) => hunk.lines).filter((line) => line.kind === "added"),
      [{ kind: "added", text: "" }],
    )
  })

  it("compares identical texts as no hunk at all", () => {
    const comparison = compareLines("same\n", "same\n")
    assert.deepEqual(comparison.hunks, [])
    assert.equal(changeSummary(comparison), "No line changed")
  })
})

describe("correctionsOf", () => {
  const texts = new Map([
    [1, "---\nsubject: x\n---\nfirst\n"],
    [2, "---\nsubject: x\n---\nfirst\nA correction.\n"],
    [3, "---\nsubject: y\n---\nfirst\nA correction.\n"],
  ])
  const revisions = [
    { revision: 1, at: "2031-04-01T10:00:00Z", by: "Ada" },
    { revision: 2, at: "2031-04-01T11:00:00Z", by: "Ben" },
    { revision: 3, at: null, by: null },
  ]

  it("compares each revision with the one before, newest first, with who closed it", () => {
    const corrections = correctionsOf(revisions, texts)
    assert.deepEqual(
      corrections.map((c) => [c.revision, c.previous, c.by, c.at, c.comparison.added, c.comparison.removed]),
      [
        [3, 2, "", "", 1, 1],
        [2, 1, "Ben", "2031-04-01T11:00:00Z", 1, 0],
      ],
    )
  })

  it("leaves out a revision whose text or predecessor's text is not there", () => {
    const partial = new Map([...texts].filter(([revision]) => revision !== 2))
    assert.deepEqual(correctionsOf(revisions, partial), [])
  })
})

describe("words", () => {
  it("counts lines in plain words", () => {
    assert.equal(changeSummary({ added: 1, removed: 0 }), "1 line added")
    assert.equal(changeSummary({ added: 0, removed: 3 }), "3 lines removed")
    assert.equal(changeSummary({ added: 2, removed: 1 }), "2 lines added, 1 removed")
  })

  it("says who closed a revision and when, leaving out what is unknown", () => {
    const when = (iso: string) => `[${iso}]`
    assert.equal(closedWords("Ada", "T", when), "Closed by Ada on [T]")
    assert.equal(closedWords("", "T", when), "Closed on [T]")
    assert.equal(closedWords("", "", when), "Closed")
  })

  it("loads every revision once there is a correction, or one is being made", () => {
    assert.deepEqual(revisionsToLoad(0, false), [])
    assert.deepEqual(revisionsToLoad(1, false), [])
    assert.deepEqual(revisionsToLoad(1, true), [1])
    assert.deepEqual(revisionsToLoad(3, false), [1, 2, 3])
  })
})

describe("CorrectionsPanel", () => {
  let CorrectionsPanel: typeof import("../src/ui/correctionsPanel.js").CorrectionsPanel

  before(async () => {
    // The panel builds DOM elements: give it a document, as the browser would.
    globalThis.document = new JSDOM("<!doctype html><body></body>").window.document
    CorrectionsPanel = (await import("../src/ui/correctionsPanel.js")).CorrectionsPanel
  })

  function panelWith(before: string, after: string) {
    const downloads: number[] = []
    const panel = new CorrectionsPanel({ download: (n) => downloads.push(n), liveOpened: () => undefined })
    const corrections = correctionsOf(
      [
        { revision: 1, at: "2031-04-01T10:00:00Z", by: "Ada" },
        { revision: 2, at: "2031-04-01T11:00:00Z", by: "Ben" },
      ],
      new Map([
        [1, before],
        [2, after],
      ]),
    )
    panel.showCorrections(corrections, () => "1 Apr 2031, 11:00")
    return { panel, downloads }
  }

  it("marks each changed line with a sign and a spoken label, not colour alone", () => {
    const { panel } = panelWith("a\nold\n", "a\nnew\n")
    const lines = [...panel.element.querySelectorAll(".diff-line")]
    assert.deepEqual(
      lines.map((line) => [
        line.getAttribute("data-kind"),
        line.querySelector(".diff-sign")?.textContent,
        line.querySelector(".visually-hidden")?.textContent,
        line.querySelector(".diff-text")?.textContent,
      ]),
      [
        ["kept", " ", "Unchanged line: ", "a"],
        ["removed", "−", "Removed line: ", "old"],
        ["added", "+", "Added line: ", "new"],
      ],
    )
    assert.equal(
      panel.element.querySelector("[data-testid=diff]")?.getAttribute("aria-label"),
      "Changes from revision 1 to revision 2",
    )
  })

  it("says who closed the correction, what it changed, and offers both published files", () => {
    const { panel, downloads } = panelWith("a\nold\n", "a\nnew\n")
    assert.equal(panel.element.hidden, false)
    const item = panel.element.querySelector("[data-revision='2']")
    assert.match(
      item?.querySelector(".correction-summary")?.textContent ?? "",
      /^Closed by Ben on 1 Apr 2031, 11:00\. Against revision 1: 1 line added, 1 removed\.$/,
    )
    for (const button of item?.querySelectorAll("button") ?? []) (button as HTMLButtonElement).click()
    assert.deepEqual(downloads, [2, 1])
    assert.equal(
      item?.querySelector("[data-testid=download-revision-1]")?.getAttribute("aria-label"),
      "Revision 1 file: download it as published",
    )
  })

  it("stays hidden while there is no correction", () => {
    const panel = new CorrectionsPanel({ download: () => undefined, liveOpened: () => undefined })
    panel.showCorrections([], () => "")
    assert.equal(panel.element.hidden, true)
  })

  it("says the minutes are being corrected and what closing again publishes", () => {
    const panel = new CorrectionsPanel({ download: () => undefined, liveOpened: () => undefined })
    panel.showCorrecting(1)
    assert.equal(panel.element.hidden, false)
    assert.match(panel.element.querySelector("[data-testid=being-corrected]")?.textContent ?? "", /revision 2/)
    assert.equal(
      panel.element.querySelector("[data-testid=live-changes] summary")?.textContent,
      "What changed since revision 1",
    )
    panel.showLive(1, compareLines("a\n", "a\nb\n"))
    assert.equal(panel.element.querySelector("[data-testid=live-summary]")?.textContent, "1 line added.")
    panel.endCorrecting()
    assert.equal(panel.element.querySelector("[data-testid=being-corrected]")?.parentElement?.hidden, true)
    assert.equal(panel.liveOpen, false)
  })
})
