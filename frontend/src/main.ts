import "./style.css"
import { MinutesApi } from "./api.js"
import { routeOf } from "./links.js"
import { MeetingPage } from "./meeting.js"
import { SeriesPage } from "./seriesPage.js"
import { StartPage } from "./startPage.js"
import { h, replaceChildren } from "./ui/dom.js"

const root = document.getElementById("app")
if (!root) throw new Error("index.html has no #app element")

const api = new MinutesApi()
const route = routeOf(window.location)
switch (route.kind) {
  case "start":
    new StartPage(root, api)
    break
  case "meeting":
    void new MeetingPage(root, route, api).start()
    break
  case "series":
    void new SeriesPage(root, route, api).start()
    break
  case "bad-link":
    replaceChildren(
      root,
      h("header", { class: "topbar" }, h("a", { class: "brand", href: "/" }, "minutes")),
      h(
        "main",
        { class: "start", id: "main" },
        h(
          "div",
          { class: "banner banner-error", role: "alert", "data-testid": "error-banner" },
          h("strong", {}, "This link does not work. "),
          route.reason,
        ),
        h("p", {}, h("a", { href: "/" }, "Go to the start page")),
      ),
    )
    break
}
