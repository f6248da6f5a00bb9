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

/**
 * How long a request may take, answer and body together. A connection that hangs (a phone between
 * networks, a proxy that holds the request) would otherwise leave a page waiting for ever: the
 * close button busy, the watch for the published minutes stopped. The largest answer, a long
 * meeting's export of a few hundred kilobytes, takes seconds on a slow phone.
 */
export const REQUEST_TIMEOUT_MS = 30_000

/** Same-origin API client: the page's origin is the server (no host is ever configured). */
export class MinutesApi {
  readonly #timeoutMs: number

  constructor(timeoutMs = REQUEST_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs
  }

  createMeeting(request: CreateMeetingRequest, creationToken: string | null): Promise<MeetingCreated> {
    return this.#json("/api/meetings", { method: "POST", json: request, token: creationToken })
  }

  importMinutes(markdown: string, creationToken: string | null): Promise<MeetingCreated> {
    return this.#json("/api/meetings/import", { method: "POST", markdown, token: creationToken })
  }

  /** The meeting now; what a person reads while others write goes through the document. */
  meeting(id: string, token: string): Promise<MeetingInfo> {
    return this.#json(`/api/meetings/${encodeURIComponent(id)}`, { token })
  }

  /**
   * The meeting for a page that opens it: while the server loads a history that changed since it
   * last kept a digest (another server holds the meeting, or this one restarted), the text of a
   * moment ago and the heads it was read at, at once (`whileLoading=earlier`); the document brings
   * the rest. Takes the answer public/early-meeting.js asked for, if it asked for this one.
   */
  openingMeeting(id: string, token: string): Promise<MeetingInfo> {
    const path = encodeURIComponent(id)
    return this.#json(`/api/meetings/${path}?whileLoading=earlier`, { token }, takeEarlyAnswer(path, token))
  }

  /** The minutes file now (the final one once closed), or published revision `revision`. */
  minutesMarkdown(id: string, token: string, revision?: number): Promise<string> {
    const query = revision === undefined ? "" : `?revision=${revision}`
    return this.#send(
      `/api/meetings/${encodeURIComponent(id)}/minutes.md${query}`,
      { token, accept: "text/markdown" },
      (response) => response.text(),
    )
  }

  /** The meeting as a file (GET export, contract §3): its bytes and the name the server gives it. */
  exportMeeting(id: string, token: string, format: ExportFormat): Promise<ExportedFile> {
    return this.#send(
      `/api/meetings/${encodeURIComponent(id)}/export?format=${format}`,
      { token, accept: "*/*" },
      async (response) => ({ blob: await response.blob(), fileName: attachmentName(response, format) }),
    )
  }

  /** `by`: the name of the person closing (the page's chosen name); the server falls back to the chair. */
  close(id: string, token: string, by: string | null): Promise<CloseResult> {
    return this.#json(`/api/meetings/${encodeURIComponent(id)}/close`, { method: "POST", token, json: byBody(by) })
  }

  reopen(id: string, token: string, by: string | null): Promise<ReopenResult> {
    return this.#json(`/api/meetings/${encodeURIComponent(id)}/reopen`, { method: "POST", token, json: byBody(by) })
  }

  createSeries(request: CreateSeriesRequest, creationToken: string | null): Promise<SeriesCreated> {
    return this.#json("/api/series", { method: "POST", json: request, token: creationToken })
  }

  series(id: string, token: string): Promise<SeriesInfo> {
    return this.#json(`/api/series/${encodeURIComponent(id)}`, { token })
  }

  /** Starts the series' next call; `date` overrides the one the server would take. */
  startCall(seriesId: string, token: string, date: string | null): Promise<CallCreated> {
    return this.#json(`/api/series/${encodeURIComponent(seriesId)}/meetings`, {
      method: "POST",
      token,
      json: date ? { date } : {},
    })
  }

  #json<T>(path: string, options: RequestOptions, started?: Promise<Response>): Promise<T> {
    return this.#send(path, options, (response) => response.json() as Promise<T>, started)
  }

  /**
   * Sends a request and reads its answer with `read`, both within the time limit. `started`: the
   * same request, sent already (see {@link takeEarlyAnswer}); it cannot be cancelled, so the limit
   * only stops the waiting for it.
   */
  async #send<T>(
    path: string,
    options: RequestOptions,
    read: (response: Response) => Promise<T>,
    started?: Promise<Response>,
  ): Promise<T> {
    const signal = AbortSignal.timeout(this.#timeoutMs)
    try {
      const response = await abortable(started ?? fetch(path, requestInit(options, signal)), signal)
      if (!response.ok) throw await abortable(errorFrom(response), signal)
      return await abortable(read(response), signal)
    } catch (cause) {
      throw failure(cause, signal)
    }
  }
}

/**
 * What a person is told when a request fails without the server's answer: it took too long, or the
 * connection failed (fetch and a body's read reject with a TypeError). Anything else (an answer
 * that is not what it says it is) goes on as it is.
 */
function failure(cause: unknown, signal: AbortSignal): unknown {
  if (cause instanceof ApiError) return cause
  if (signal.aborted) {
    return new ApiError(0, "timeout", "The server did not answer in time. Check your connection and try again.", {
      cause,
    })
  }
  if (cause instanceof TypeError) {
    return new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.", {
      cause,
    })
  }
  return cause
}

function requestInit(options: RequestOptions, signal: AbortSignal): RequestInit {
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
  return { method: options.method ?? "GET", headers, body, cache: "no-store", signal }
}

/** `work`, or a rejection once `signal` aborts, whichever comes first. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason)
    signal.addEventListener("abort", stop, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop))
  })
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
