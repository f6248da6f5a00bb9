import { type ChartPoint, chartSummary } from "../seriesModel.js"
import { h } from "./dom.js"

const SVG = "http://www.w3.org/2000/svg"
const WIDTH = 640
const HEIGHT = 220
const MARGIN = { top: 16, right: 12, bottom: 38, left: 36 }

type SvgAttributes = Record<string, string | number>

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: SvgAttributes = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  for (const child of children) element.append(child)
  return element
}

let nextChart = 0

/**
 * Attendance (bars) and action items open and done (lines) over the calls, oldest on the left.
 * Plain SVG drawn by the page: colours come from classes (the CSP allows no inline styles), the
 * picture has a title and a summary for screen readers, and the same numbers follow as a table.
 */
export function seriesChart(points: readonly ChartPoint[]): HTMLElement {
  nextChart += 1
  const titleId = `series-chart-title-${nextChart}`
  const descId = `series-chart-desc-${nextChart}`
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const top = Math.max(1, ...points.flatMap((point) => [point.attendance, point.open, point.done]))
  const band = plotWidth / Math.max(1, points.length)
  const x = (index: number): number => MARGIN.left + band * index + band / 2
  const y = (value: number): number => MARGIN.top + plotHeight - (value / top) * plotHeight
  const labelEvery = Math.max(1, Math.ceil(points.length / 8))

  const picture = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      class: "chart",
      "data-testid": "series-chart",
    },
    svg("title", { id: titleId }, "Attendance and action items per call"),
    svg("desc", { id: descId }, chartSummary(points)),
    svg("line", { class: "chart-axis", x1: MARGIN.left, y1: y(0), x2: WIDTH - MARGIN.right, y2: y(0) }),
    svg("text", { class: "chart-tick", x: MARGIN.left - 6, y: y(top) + 4, "text-anchor": "end" }, String(top)),
    svg("text", { class: "chart-tick", x: MARGIN.left - 6, y: y(0) + 4, "text-anchor": "end" }, "0"),
  )
  points.forEach((point, index) => {
    const barWidth = Math.min(36, band * 0.5)
    picture.append(
      svg("rect", {
        class: "chart-bar",
        x: x(index) - barWidth / 2,
        y: y(point.attendance),
        width: barWidth,
        height: Math.max(0, y(0) - y(point.attendance)),
      }),
    )
    if (index % labelEvery === 0 || index === points.length - 1) {
      picture.append(
        svg(
          "text",
          { class: "chart-label", x: x(index), y: HEIGHT - 12, "text-anchor": "middle" },
          point.date.slice(5),
        ),
      )
    }
  })
  for (const [key, className] of [
    ["open", "chart-line-open"],
    ["done", "chart-line-done"],
  ] as const) {
    if (points.length > 1) {
      const path = points.map((point, index) => `${index === 0 ? "M" : "L"}${x(index)},${y(point[key])}`).join(" ")
      picture.append(svg("path", { class: className, d: path }))
    }
    points.forEach((point, index) => {
      picture.append(svg("circle", { class: `${className} chart-dot`, cx: x(index), cy: y(point[key]), r: 3.5 }))
    })
  }

  const legend = h(
    "ul",
    { class: "chart-legend", "aria-hidden": "true" },
    h("li", {}, h("span", { class: "swatch swatch-bar" }), "people attending"),
    h("li", {}, h("span", { class: "swatch swatch-open" }), "action items open"),
    h("li", {}, h("span", { class: "swatch swatch-done" }), "action items done"),
  )
  const table = h(
    "table",
    { class: "chart-table" },
    h("caption", {}, "Per call, oldest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Call"),
        h("th", { scope: "col" }, "Attending"),
        h("th", { scope: "col" }, "Open"),
        h("th", { scope: "col" }, "Done"),
      ),
    ),
    h(
      "tbody",
      {},
      ...points.map((point) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, point.date),
          h("td", {}, String(point.attendance)),
          h("td", {}, String(point.open)),
          h("td", {}, String(point.done)),
        ),
      ),
    ),
  )
  const figure = h("figure", { class: "chart-figure" })
  figure.append(picture)
  figure.append(legend, h("details", { class: "more" }, h("summary", {}, "The numbers"), table))
  return figure
}
