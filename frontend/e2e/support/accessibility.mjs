import assert from "node:assert/strict"
import AxeBuilder from "@axe-core/playwright"

/**
 * Runs axe-core (WCAG 2.x A and AA rules, and its best practices) on the page as it is and fails on
 * any violation, whatever its impact, naming each rule and the elements it found.
 */
export async function assertAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze()
  // Every rule axe finds broken, whatever its impact: a moderate one (a page without h1, headings
  // out of order) is what a screen reader's user meets on every visit.
  const report = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes.map((node) => `    ${node.target.join(" ")}: ${node.failureSummary}`).join("\n"),
  )
  assert.deepEqual(report, [], `${what}: accessibility violations`)
  assert.ok(
    results.passes.some((rule) => rule.id === "color-contrast"),
    `${what}: text contrast was checked`,
  )
}
