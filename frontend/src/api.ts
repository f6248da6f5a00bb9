import type {
  CallCreated,
  CloseResult,
  CreateMeetingRequest,
  CreateSeriesRequest,
  MeetingCreated,
  MeetingInfo,
  ReopenResult,
  SeriesCreated,
  SeriesInfo,
} from "./types.js"

/** A refusal or failure of the HTTP API, with a sentence a person understands. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    /** The server's machine-readable `error` code, or "network". */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = "ApiError"
  }

  get unreachable(): boolean {
    return this.status === 0
  }
}

interface RequestOptions {
  method?: "GET" | "POST"
  token?: string | null
  json?: unknown
  markdown?: string
  accept?: string
}

/** Same-origin API client: the page's origin is the server (no host is ever configured). */
export class MinutesApi {
  async createMeeting(request: CreateMeetingRequest, creationToken: string | null): Promise<MeetingCreated> {
    const response = await this.#send("/api/meetings", { method: "POST", json: request, token: creationToken })
    return (await response.json()) as MeetingCreated
  }

  async importMinutes(markdown: string, creationToken: string | null): Promise<MeetingCreated> {
    const response = await this.#send("/api/meetings/import", { method: "POST", markdown, token: creationToken })
    return (await response.json()) as MeetingCreated
  }

  /** The meeting now; what a person reads while others write goes through the document. */
  async meeting(id: string, token: string): Promise<MeetingInfo> {
    const response = await this.#send(`/api/meetings/${encodeURIComponent(id)}`, { token })
    return (await response.json()) as MeetingInfo
  }

  /**
   * The meeting for a page that opens it: while the server loads a history that changed since it
   * last kept a digest (another server holds the meeting, or this one restarted), the text of a
   * moment ago and the heads it was read at, at once (`whileLoading=earlier`); the document brings
   * the rest. Takes the answer public/early-meeting.js asked for, if it asked for this one.
   */
  async openingMeeting(id: string, token: string): Promise<MeetingInfo> {
    const path = encodeURIComponent(id)
    const response = await this.#send(
      `/api/meetings/${path}?whileLoading=earlier`,
      { token },
      takeEarlyAnswer(path, token),
    )
    return (await response.json()) as MeetingInfo
  }

  /** The minutes file now (the final one once closed), or published revision `revision`. */
  async minutesMarkdown(id: string, token: string, revision?: number): Promise<string> {
    const query = revision === undefined ? "" : `?revision=${revision}`
    const response = await this.#send(`/api/meetings/${encodeURIComponent(id)}/minutes.md${query}`, {
      token,
      accept: "text/markdown",
    })
    return response.text()
  }

  /** The meeting as a file (GET export, contract §3): its bytes and the name the server gives it. */
  async exportMeeting(id: string, token: string, format: ExportFormat): Promise<ExportedFile> {
    const response = await this.#send(`/api/meetings/${encodeURIComponent(id)}/export?format=${format}`, {
      token,
      accept: "*/*",
    })
    return { blob: await response.blob(), fileName: attachmentName(response, format) }
  }

  /** `by`: the name of the person closing (the page's chosen name); the server falls back to the chair. */
  async close(id: string, token: string, by: string | null): Promise<CloseResult> {
    const response = await this.#send(`/api/meetings/${encodeURIComponent(id)}/close`, {
      method: "POST",
      token,
      json: byBody(by),
    })
    return (await response.json()) as CloseResult
  }

  async reopen(id: string, token: string, by: string | null): Promise<ReopenResult> {
    const response = await this.#send(`/api/meetings/${encodeURIComponent(id)}/reopen`, {
      method: "POST",
      token,
      json: byBody(by),
    })
    return (await response.json()) as ReopenResult
  }

  async createSeries(request: CreateSeriesRequest, creationToken: string | null): Promise<SeriesCreated> {
    const response = await this.#send("/api/series", { method: "POST", json: request, token: creationToken })
    return (await response.json()) as SeriesCreated
  }

  async series(id: string, token: string): Promise<SeriesInfo> {
    const response = await this.#send(`/api/series/${encodeURIComponent(id)}`, { token })
    return (await response.json()) as SeriesInfo
  }

  /** Starts the series' next call; `date` overrides the one the server would take. */
  async startCall(seriesId: string, token: string, date: string | null): Promise<CallCreated> {
    const response = await this.#send(`/api/series/${encodeURIComponent(seriesId)}/meetings`, {
      method: "POST",
      token,
      json: date ? { date } : {},
    })
    return (await response.json()) as CallCreated
  }

  /** `started`: the same request, sent already (see {@link takeEarlyAnswer}). */
  async #send(path: string, options: RequestOptions, started?: Promise<Response>): Promise<Response> {
    const headers = new Headers({ Accept: options.accept ?? "application/json" })
    let body: string | undefined
    if (options.token) headers.set("Authorization", `Bearer ${options.token}`)
    if (options.json !== undefined) {
      headers.set("Content-Type", "application/json")
      body = JSON.stringify(options.json)
    } else if (options.markdown !== undefined) {
      headers.set("Content-Type", "text/markdown; charset=utf-8")
      body = options.markdown
    }
    let response: Response
    try {
      response = await (started ?? fetch(path, { method: options.method ?? "GET", headers, body, cache: "no-store" }))
    } catch (cause) {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.", {
        cause,
      })
    }
    if (!response.ok) throw await errorFrom(response)
    return response
  }
}

/** What public/early-meeting.js started: the meeting's answer, asked for before this script ran. */
interface EarlyMeeting {
  readonly path: string
  readonly token: string
  readonly response: Promise<Response>
}

declare global {
  interface Window {
    minutesEarlyMeeting?: EarlyMeeting
  }
}

/** The early request for this meeting and token, once (a later call asks the server again). */
function takeEarlyAnswer(path: string, token: string): Promise<Response> | undefined {
  if (typeof window === "undefined") return undefined
  const early = window.minutesEarlyMeeting
  window.minutesEarlyMeeting = undefined
  return early && early.path === path && early.token === token ? early.response : undefined
}

export type ExportFormat = "md" | "json" | "automerge"

export interface ExportedFile {
  readonly blob: Blob
  readonly fileName: string
}

/** The file name of a `Content-Disposition: attachment` answer, if it is a plain one. */
function attachmentName(response: Response, format: ExportFormat): string {
  const header = response.headers.get("Content-Disposition") ?? ""
  const match = /filename="([0-9A-Za-z][0-9A-Za-z._-]*)"/.exec(header)
  return match?.[1] ?? `minutes.${format}`
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = `http-${response.status}`
  let serverMessage = ""
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown }
    if (typeof body.error === "string") code = body.error
    if (typeof body.message === "string") serverMessage = body.message
  } catch {
    // Not the JSON error shape (e.g. a proxy's HTML page): the status alone tells what happened.
    serverMessage = ""
  }
  return new ApiError(response.status, code, humanMessage(response.status, serverMessage))
}

/** Words for people, not status codes; the server's own sentence is kept when it adds something. */
export function humanMessage(status: number, serverMessage: string): string {
  const detail = serverMessage ? ` (${serverMessage})` : ""
  switch (status) {
    case 400:
      return `The server could not accept this${detail}.`
    case 401:
      return `This link or token is not valid${detail}.`
    case 403:
      return `This link does not allow that${detail}.`
    case 404:
      return "This meeting does not exist on this server. Check that the link is complete."
    case 409:
      return `That cannot be done in the meeting's current state${detail}.`
    case 413:
      return "That is too large for the server to accept."
    default:
      return status >= 500
        ? "The server ran into a problem. Try again in a moment."
        : `The server refused the request (status ${status})${detail}.`
  }
}

/** The body of a close or reopen: who does it, when the person said their name (one line, as the server asks). */
function byBody(by: string | null): { by: string } | undefined {
  const name = by
    ?.replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, 500)
  return name ? { by: name } : undefined
}
