import assert from "node:assert/strict"
import AxeBuilder from "@axe-core/playwright"

/**
 * Runs axe-core (WCAG 2.x A and AA rules, and its best practices) on the page as it is and fails on
 * any serious or critical violation, naming each rule and the elements it found.
 */
export async function assertAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze()
  const grave = results.violations.filter((violation) => ["serious", "critical"].includes(violation.impact))
  const report = grave.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes.map((node) => `    ${node.target.join(" ")}: ${node.failureSummary}`).join("\n"),
  )
  assert.deepEqual(report, [], `${what}: serious or critical accessibility violations`)
  assert.ok(
    results.passes.some((rule) => rule.id === "color-contrast"),
    `${what}: text contrast was checked`,
  )
}
