import "./style.css"
import { MinutesApi } from "./api.js"
import { routeOf } from "./links.js"
import { MeetingPage } from "./meeting/meetingPage.js"
import { registerServiceWorker } from "./offline/serviceWorker.js"
import { SeriesPage } from "./seriesPage.js"
import { StartPage } from "./startPage.js"
import { showProblemPage } from "./ui/problemPage.js"

const root = document.getElementById("app")
if (!root) throw new Error("index.html has no #app element")

registerServiceWorker()
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
    showProblemPage(root, { title: "This link does not work.", detail: route.reason })
    break
  case "not-found":
    showProblemPage(root, {
      title: "There is no page here.",
      detail:
        "Nothing in minutes lives at this address. Meeting links look like /m/…#token=… and series links /s/…#token=…: check that you copied the whole link.",
    })
    break
}
