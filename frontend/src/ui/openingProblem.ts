import { ApiError } from "../api.js"

/** What a page says when the meeting or series its link names cannot be opened. */
export interface OpeningProblem {
  readonly title: string
  readonly detail: string
  /** Whether trying again may help (a reload), or the link itself is the problem. */
  readonly reload: boolean
}

export type Opened = "meeting" | "series"

const WORDS: Record<Opened, { otherLink: string; askFor: string; elsewhere: string }> = {
  meeting: {
    otherLink: "This link belongs to another meeting.",
    askFor: "Ask the chair for this meeting's link.",
    elsewhere: "The link may be wrong, or the meeting was created on another server.",
  },
  series: {
    otherLink: "This link belongs to something else.",
    askFor: "Ask the chair for this series' link.",
    elsewhere: "The link may be wrong, or the series is on another server.",
  },
}

/**
 * Why the meeting or series could not be opened, in words for the person: the server away, a
 * wrong or foreign link, nothing there; anything else with the server's own message.
 */
export function openingProblem(error: unknown, what: Opened): OpeningProblem {
  const apiError = error instanceof ApiError ? error : null
  const words = WORDS[what]
  if (apiError?.unreachable) {
    return {
      title: "The server cannot be reached.",
      detail: "Check your connection, then reload this page.",
      reload: true,
    }
  }
  switch (apiError?.status) {
    case 401:
      return {
        title: "This link is not valid.",
        detail: "It may be incomplete or mistyped. Ask the chair for the link again.",
        reload: false,
      }
    case 403:
      return { title: words.otherLink, detail: words.askFor, reload: false }
    case 404:
      return { title: `This ${what} does not exist.`, detail: words.elsewhere, reload: false }
    default:
      return {
        title: `The ${what} cannot be opened.`,
        detail: apiError?.message ?? "Something unexpected went wrong.",
        reload: true,
      }
  }
}
