/**
 * Shapes shared with the server (docs/contract.md §1 and §3). Strings inside `meta` are text objects
 * (plain JS strings) when written by this page or by this server, but other Java writers of the
 * binding write scalar strings, which arrive as Automerge ImmutableString objects; so they are typed
 * as {@link MetaString} and read with `readMetaString`.
 */

/** A string field of the document as Automerge hands it to us. */
export type MetaString = string | { readonly val: string } | undefined | null

export interface MinutesAuthor {
  name?: MetaString
  uri?: MetaString
  email?: MetaString
}

export interface MinutesMeta {
  updated?: MetaString
  author?: MinutesAuthor
  subject?: MetaString
  permalink?: MetaString
  description?: MetaString
}

export interface ClosedInfo {
  at?: MetaString
  by?: MetaString
  heads?: MetaString[]
}

/** The root map of a meeting's Automerge document. */
export interface MinutesDoc {
  schema?: MetaString
  meta?: MinutesMeta
  body: string
  status?: MetaString
  closed?: ClosedInfo
  /** Actor id (hex) → the name its person chose (contract §1); labels only. */
  people?: Record<string, MetaString>
}

export type Role = "chair" | "editor" | "viewer"

export interface MeetingTokens {
  chair: string
  editor: string
  viewer: string
}

export interface MeetingLinks {
  chair: string
  edit: string
  view: string
}

/** 201 answer of POST /api/meetings and POST /api/meetings/import. */
export interface MeetingCreated {
  id: string
  documentUrl: string
  status: string
  tokens: MeetingTokens
  links: MeetingLinks
}

export interface CreateMeetingRequest {
  date?: string
  subject?: string
  description?: string
  author?: { name: string; uri: string; email: string }
  chair?: string
  attendees?: string[]
  agenda?: string[]
  previous?: string
}

export type PublishState = "pending" | "delivered" | "failed"

export interface PublishTarget {
  target: string
  state: PublishState
  attempts: number
  lastError: string | null
  deliveredAt: string | null
  /** When the server tries a pending delivery again (contract §3 extension), null otherwise. */
  nextAttemptAt?: string | null
  /** Where the target put it, as the server knows it (a folder target: a path on the server). */
  location?: string | null
  /** The published file name (contract §5), e.g. `2026-12-09.md` or `2026-12-09-2.md`. */
  path?: string | null
  /** Where the docs site shows it, when the server knows (`MINUTES_PUBLISHED_URL`). */
  url?: string | null
  /** 1 for the first close, one more for each correction. */
  revision?: number
}

export interface ActionItemInfo {
  done: boolean
  owner: string
  text: string
  line: number
}

/** Who closed a published revision, and when (GET /api/meetings/{id} `revisions`). */
export interface PublishedRevision {
  readonly revision: number
  readonly at: string | null
  readonly by: string | null
}

/** Answer of GET /api/meetings/{id}. */
export interface MeetingInfo {
  id: string
  documentUrl: string
  status: string
  role: Role
  meta: {
    updated?: string
    subject?: string
    description?: string
    permalink?: string
    author?: { name?: string; uri?: string; email?: string }
  }
  closed: null | { at?: string; by?: string; heads?: string[] }
  publish: PublishTarget[]
  actionItems?: ActionItemInfo[]
  /** How many times the meeting was closed and published (0 before the first close). */
  revision?: number
  /** Who closed each published revision and when, oldest first. */
  revisions?: PublishedRevision[]
  /** The series the meeting is a call of, if any. */
  series?: string | null
  /** The docs site's address (`MINUTES_PUBLISHED_URL`'s scheme and host), where site-relative links lead. */
  site?: string | null
  /** The minutes' text as the server stored it (the final text once closed); absent on older servers. */
  body?: string
  /** The document's heads (hex) that `body` was read at; empty when not read from the document. */
  heads?: string[]
}

/** Answer of POST /api/meetings/{id}/close. */
export interface CloseResult {
  status: string
  closed: { at?: string; by?: string; heads?: string[] } | null
}

/** 201 answer of POST /api/series (docs/series.md). */
export interface SeriesCreated {
  id: string
  tokens: MeetingTokens
  links: MeetingLinks
}

export interface CreateSeriesRequest {
  title?: string
  chair?: string
  attendees?: string[]
  agenda?: string[]
  cadenceDays?: number
  subject?: string
  description?: string
  author?: { name: string; uri: string; email: string }
}

/** 201 answer of POST /api/series/{id}/meetings: a meeting, its series, its date and what the server decided. */
export interface CallCreated extends MeetingCreated {
  series: string
  date: string
  /** Sentences for people, e.g. why the date follows the cadence and not the previous minutes. */
  notes: string[]
}

export interface PublishedCopy {
  target: string
  state: PublishState
  path: string | null
  url: string | null
}

export interface SeriesCall {
  id: string
  date: string
  status: string
  /** Open again after a close, for corrections. */
  reopened: boolean
  revision: number
  subject: string
  documentUrl: string
  published: PublishedCopy[]
  attendees: string[]
  actions: { open: number; done: number }
}

export interface OpenAction {
  owner: string
  text: string
  meeting: string
  date: string
}

/** Answer of GET /api/series/{id}. */
export interface SeriesInfo {
  id: string
  title: string
  role: Role
  chair: string
  attendees: string[]
  agenda: string[]
  cadenceDays: number
  /** The call in progress, or null. */
  current: string | null
  /** Newest first. */
  meetings: SeriesCall[]
  openActions: OpenAction[]
}

/** Answer of POST /api/meetings/{id}/reopen. */
export interface ReopenResult {
  status: string
  revision: number
}
