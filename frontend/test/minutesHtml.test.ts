import assert from "node:assert/strict"
import { describe, it } from "node:test"
import createDOMPurify from "dompurify"
import { JSDOM } from "jsdom"
import { isSameOrigin, markdownToHtml, renderMinutes } from "../src/render/minutesHtml.js"

const ORIGIN = "https://minutes.example"
const window = new JSDOM("<!doctype html><body></body>", { url: `${ORIGIN}/m/one` }).window
const purifier = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0])

/** Renders like the page does and returns the HTML the page would insert. */
function rendered(markdown: string, site: string | null = null): string {
  const container = window.document.createElement("div")
  container.append(renderMinutes(markdown, purifier, ORIGIN, site))
  return container.innerHTML
}

describe("markdownToHtml", () => {
  it("renders the corpus layout's closed ATX headings, lists and action items as CommonMark does", () => {
    const html = markdownToHtml("### Agenda ###\n\n- Intro\n\n#### Intro ####\n\n- [ ] Ben: tag the release\n")
    assert.equal(
      html,
      "<h3>Agenda</h3>\n<ul>\n<li>Intro</li>\n</ul>\n<h4>Intro</h4>\n<ul>\n<li>[ ] Ben: tag the release</li>\n</ul>\n",
    )
  })

  it("is strict CommonMark: no tables, no strikethrough, no bare-URL links", () => {
    assert.equal(markdownToHtml("~~gone~~ https://example.org"), "<p>~~gone~~ https://example.org</p>\n")
  })
})

describe("renderMinutes", () => {
  it("keeps raw HTML the docs site would show", () => {
    assert.equal(rendered("Line<br>break <sub>low</sub>"), "<p>Line<br>break <sub>low</sub></p>\n")
  })

  it("drops scripts, event handlers and javascript: links", () => {
    const html = rendered(
      '<script>alert(1)</script>\n\n<img src="/a.png" onerror="alert(2)"> [x](javascript:alert(3)) <a href="javascript:alert(4)">y</a>',
    )
    assert.doesNotMatch(html, /<script|onerror|href="javascript/i)
    // markdown-it leaves a javascript: link as plain text; the raw one loses its address.
    assert.equal(html, '<p><img src="/a.png"> [x](javascript:alert(3)) <a>y</a></p>\n')
  })

  it("never carries inline styles, style elements, forms or media", () => {
    const html = rendered(
      '<p style="color:red">red</p>\n\n<style>body{}</style>\n\n<form><input name="q"><button>Go</button></form>\n\n<video src="/v.mp4"></video>',
    )
    assert.doesNotMatch(html, /style|<form|<input|<button|<video/i)
    assert.match(html, /<p>red<\/p>/)
  })

  it("prefixes ids from raw HTML so they cannot clash with the page's own elements", () => {
    assert.match(rendered('<p id="editor">x</p>'), /id="user-content-editor"/)
  })

  it("sends site-relative links to the docs site when the server names one; others stay as written", () => {
    const markdown =
      "See the [previous notes](/weekly/weekly-2014-05-27#XenHackathon), [elsewhere](//cdn.example/x), " +
      "[absolute](https://github.com/mirage), [here](#notes), [near](notes.md) and [the post][prev].\n\n" +
      "[prev]: /blog/2014-irmin\n"
    const html = rendered(markdown, "https://mirage.example")
    assert.match(html, /href="https:\/\/mirage.example\/weekly\/weekly-2014-05-27#XenHackathon"/)
    assert.match(html, /href="https:\/\/mirage.example\/blog\/2014-irmin"/)
    assert.match(html, /href="\/\/cdn.example\/x"/)
    assert.match(html, /href="https:\/\/github.com\/mirage"/)
    assert.match(html, /href="#notes"/)
    assert.match(html, /href="notes.md"/)
    const here = rendered(markdown)
    assert.doesNotMatch(here, /href="\/weekly/, "no docs site: no link to a page this server does not have")
    assert.match(
      here,
      /<a class="site-path" title="A page of the docs site \(\/weekly\/weekly-2014-05-27#XenHackathon\)[^"]*">previous notes<\/a>/,
    )
    assert.match(here, /href="https:\/\/github.com\/mirage"/, "other links stay")
  })

  it("opens links in a new tab without opener or referrer; in-page anchors stay", () => {
    const html = rendered("[site](https://example.org/a) [here](#notes) <a href='https://example.net/x'>raw</a>")
    assert.match(html, /<a href="https:\/\/example.org\/a" target="_blank" rel="noopener noreferrer">site<\/a>/)
    assert.match(html, /<a href="#notes">here<\/a>/)
    assert.match(html, /<a href="https:\/\/example.net\/x" target="_blank" rel="noopener noreferrer">raw<\/a>/)
  })

  it("shows same-origin images and turns every other image into a link or its description", () => {
    const html = rendered(
      "![logo](/assets/logo.png) ![chart](https://other.example/c.png) ![mine](https://minutes.example/i.png) <img src='data:image/png;base64,AAAA' alt='inline'>",
    )
    assert.match(html, /<img src="\/assets\/logo.png" alt="logo">/)
    assert.match(html, /<img src="https:\/\/minutes.example\/i.png" alt="mine">/)
    assert.match(
      html,
      /<a class="image-link" href="https:\/\/other.example\/c.png" target="_blank" rel="noopener noreferrer">Image: chart<\/a>/,
    )
    assert.match(html, /<span class="image-link">Image: inline<\/span>/)
    assert.doesNotMatch(html, /<img[^>]*(other\.example|data:)/)
  })
})

describe("isSameOrigin", () => {
  it("accepts relative and same-origin addresses only", () => {
    assert.equal(isSameOrigin("pic.png", ORIGIN), true)
    assert.equal(isSameOrigin("//other.example/pic.png", ORIGIN), false)
    assert.equal(isSameOrigin("http://minutes.example/pic.png", ORIGIN), false)
    assert.equal(isSameOrigin("data:image/png;base64,AAAA", ORIGIN), false)
    assert.equal(isSameOrigin("", ORIGIN), false)
  })
})
