/** A meeting and the token it was opened with (which decides the role). */
export interface MeetingRoute {
  readonly meetingId: string
  readonly token: string
  /** Opened through a series link: the series' overview, where its chair starts the next call. */
  readonly seriesOverview?: string
  /**
   * Opened through a series link: this call's own address in the series. The page starts over
   * there when the call is reopened, since the series link itself opens only the call in progress.
   */
  readonly seriesCall?: string
}

/**
 * Where this page is: the start page, one meeting opened from a link carrying its token, or a
 * series (its current call, or with `overview` its list of calls).
 */
export type PageRoute =
  | { readonly kind: "start" }
  | ({ readonly kind: "meeting" } & MeetingRoute)
  | {
      readonly kind: "series"
      readonly seriesId: string
      readonly token: string
      readonly overview: boolean
      /** One call of the series, opened with the way back to the series (`/s/<id>/calls/<meeting>`). */
      readonly call?: string
    }
  | { readonly kind: "bad-link"; readonly reason: string }
  | { readonly kind: "not-found" }

const MEETING_PATH = /^\/m\/([^/]+)\/?$/
const SERIES_PATH = /^\/s\/([^/]+)(\/calls(?:\/([^/]+))?)?\/?$/

/**
 * Reads the route from the page address. Meeting links look like `/m/<id>#token=<token>`, series
 * links `/s/<id>#token=<token>` (and `/s/<id>/calls#token=…` for the list of calls,
 * `/s/<id>/calls/<meeting>#token=…` for one of them): the token
 * lives in the fragment so that it never reaches server or proxy logs.
 */
export function routeOf(page: Pick<Location, "pathname" | "hash">): PageRoute {
  if (page.pathname === "/" || page.pathname === "/index.html") return { kind: "start" }
  if (page.pathname.startsWith("/s/") || page.pathname === "/s") return seriesRouteOf(page)
  if (!page.pathname.startsWith("/m/") && page.pathname !== "/m") return { kind: "not-found" }
  const match = MEETING_PATH.exec(page.pathname)
  const meetingId = match?.[1] ? safeDecode(match[1]) : ""
  if (!meetingId) {
    return { kind: "bad-link", reason: "This link does not name a meeting. Check that you copied the whole link." }
  }
  const token = tokenOf(page.hash)
  if (!token) {
    return {
      kind: "bad-link",
      reason: "This link has no access token: its end (after #token=) is missing. Copy the whole link again.",
    }
  }
  return { kind: "meeting", meetingId, token }
}

function seriesRouteOf(page: Pick<Location, "pathname" | "hash">): PageRoute {
  const match = SERIES_PATH.exec(page.pathname)
  const seriesId = match?.[1] ? safeDecode(match[1]) : ""
  if (!seriesId) {
    return { kind: "bad-link", reason: "This link does not name a series. Check that you copied the whole link." }
  }
  const token = tokenOf(page.hash)
  if (!token) {
    return {
      kind: "bad-link",
      reason: "This link has no access token: its end (after #token=) is missing. Copy the whole link again.",
    }
  }
  const call = match?.[3] ? safeDecode(match[3]) : ""
  if (call) return { kind: "series", seriesId, token, overview: false, call }
  return { kind: "series", seriesId, token, overview: match?.[2] !== undefined }
}

function tokenOf(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim() ?? ""
}

/** A page link of a series holding `token`: its current call, or with `overview` its list of calls. */
export function seriesLink(seriesId: string, token: string, overview: boolean): string {
  return `/s/${encodeURIComponent(seriesId)}${overview ? "/calls" : ""}#token=${encodeURIComponent(token)}`
}

/** One call of a series, opened with a series token: the meeting, with the way back to the series. */
export function seriesCallLink(seriesId: string, meetingId: string, token: string): string {
  return `/s/${encodeURIComponent(seriesId)}/calls/${encodeURIComponent(meetingId)}#token=${encodeURIComponent(token)}`
}

/** A page link of one meeting with `token` (a meeting's own, or its series'). */
export function meetingLink(meetingId: string, token: string): string {
  return `/m/${encodeURIComponent(meetingId)}#token=${encodeURIComponent(token)}`
}

/** Accepts a meeting id or any meeting link, as people paste either into "previous meeting". */
export function meetingIdFrom(input: string): string {
  const text = input.trim()
  if (!text) return ""
  try {
    const url = new URL(text)
    const match = MEETING_PATH.exec(url.pathname)
    if (match?.[1]) return safeDecode(match[1])
  } catch {
    // Not a URL: the text is the id itself.
    return text
  }
  return text
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return ""
  }
}

/**
 * The sync endpoint of the server that served this page (docs/contract.md §4); never a fixed host. The meeting
 * id is a routing hint only (the token decides access): a load balancer in front of several nodes can
 * hash on it, so that one meeting's sockets meet on one node (docs/operations.md).
 */
export function syncUrl(page: Pick<Location, "protocol" | "host">, meetingId: string, token: string): string {
  const scheme = page.protocol === "https:" ? "wss:" : "ws:"
  return `${scheme}//${page.host}/sync?meeting=${encodeURIComponent(meetingId)}&token=${encodeURIComponent(token)}`
}
