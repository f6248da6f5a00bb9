/**
 * The meeting's details as the chair edits them in the page, checked by the rules the server uses
 * for `POST /api/meetings` (MeetingRequest): a real calendar date `YYYY-MM-DD`; subject and
 * description one line of at most 500 characters without control characters. A value the page
 * lets through is one the server publishes unchanged.
 */

export interface MeetingDetails {
  readonly subject: string
  readonly date: string
  readonly description: string
}

export type DetailsField = keyof MeetingDetails

export type DetailsErrors = Partial<Record<DetailsField, string>>

/** What to write into `meta`: the keys that change and their new values. */
export interface MetaChanges {
  subject?: string
  updated?: string
  description?: string
  permalink?: string
}

export const MAX_TEXT = 500

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/
/** Line breaks, control characters, lone surrogates and the two non-characters the renderer refuses. */
const NOT_ONE_LINE = /[\p{Cc}\p{Cs}\u2028\u2029\uFFFE\uFFFF]/u

export function defaultSubject(date: string): string {
  return `Weekly Meeting: ${date}`
}

export function defaultPermalink(date: string): string {
  return `weekly-${date}`
}

/** True for a date that exists, written `YYYY-MM-DD` (2031-02-29 does not). */
export function isCalendarDate(date: string): boolean {
  const match = DATE_SHAPE.exec(date)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const value = new Date(0)
  value.setUTCFullYear(year, month - 1, day)
  return value.getUTCFullYear() === year && value.getUTCMonth() === month - 1 && value.getUTCDate() === day
}

/** The trimmed details, or a sentence per field that is not acceptable. */
export function validateDetails(input: MeetingDetails): { details: MeetingDetails; errors: DetailsErrors } {
  const details = { subject: input.subject.trim(), date: input.date.trim(), description: input.description.trim() }
  const errors: DetailsErrors = {}
  if (!details.date) errors.date = "Enter the meeting's date."
  else if (!isCalendarDate(details.date)) errors.date = "Enter a real date, written YYYY-MM-DD (e.g. 2031-04-01)."
  const subject = lineProblem(details.subject)
  if (subject) errors.subject = `The subject ${subject}`
  const description = lineProblem(details.description)
  if (description) errors.description = `The description ${description}`
  return { details, errors }
}

function lineProblem(text: string): string | null {
  if (text.length > MAX_TEXT) return `is ${text.length} characters long; at most ${MAX_TEXT} fit.`
  if (NOT_ONE_LINE.test(text)) return "must be one line, without line breaks or control characters."
  return null
}

/**
 * The `meta` changes that turn `current` into `wanted` (both valid). An empty subject becomes the
 * standard one, as when a meeting is created. When the date moves, whatever still follows the old
 * date follows the new one: the permalink `weekly-<old date>`, and the standard subject unless the
 * chair wrote another.
 */
export function metaChanges(current: MeetingDetails & { permalink: string }, wanted: MeetingDetails): MetaChanges {
  const changes: MetaChanges = {}
  const dateMoved = wanted.date !== current.date
  let subject = wanted.subject || defaultSubject(wanted.date)
  if (dateMoved && wanted.subject === current.subject && current.subject === defaultSubject(current.date)) {
    subject = defaultSubject(wanted.date)
  }
  if (subject !== current.subject) changes.subject = subject
  if (dateMoved) changes.updated = wanted.date
  if (wanted.description !== current.description) changes.description = wanted.description
  if (dateMoved && current.permalink === defaultPermalink(current.date)) {
    changes.permalink = defaultPermalink(wanted.date)
  }
  return changes
}
