// Asks for the meeting the moment the page's HTML is read, for a meeting link (/m/<id>#token=…):
// the page's own script takes a few hundred milliseconds to arrive and evaluate, and the answer
// (the text to show) is ready by then. src/api.ts takes it (MinutesApi.openingMeeting); everything else
// about the address (a bad link, a series) is the page's to read, as before. A file of its own,
// not inline: the page's Content-Security-Policy allows no inline script.
;(() => {
  const path = /^\/m\/([^/]+)\/?$/.exec(window.location.pathname)
  const token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token")?.trim()
  if (!path || !token) return
  const response = fetch(`/api/meetings/${path[1]}?whileLoading=earlier`, {
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    cache: "no-store",
  })
  // Whoever takes it sees a failure; nobody taking it (the page failed first) is not an error.
  response.catch(() => {})
  window.minutesEarlyMeeting = { path: path[1], token, response }
})()
