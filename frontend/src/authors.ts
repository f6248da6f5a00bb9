import { freeColor, PALETTE_SIZE } from "./presence.js"

/** A person as the authorship view and the timeline name them. */
export interface AuthorInfo {
  readonly name: string
  /** Palette index (`peer-color-N`), or null for text nobody typed (the meeting's template). */
  readonly color: number | null
  /** False for an actor nobody is known by: not in `people`, not this page's, not the creator's. */
  readonly known: boolean
}

export interface AuthorContext {
  /** The document's `people` (actor → name). */
  readonly people: ReadonlyMap<string, string>
  /** This page's actor and the name its person chose (not yet in `people` while unsaved). */
  readonly selfActor: string
  readonly selfName: string | null
  /** The actor of the document's first change: the server writing the meeting's template. */
  readonly creator: string | null
  /** People here now, with the colours presence gave them. */
  readonly present: readonly { readonly name: string; readonly color: number }[]
}

export const TEMPLATE_NAME = "Meeting template"
/** How an actor nobody named is shown: `Unnamed (` and the start of its id. */
export const UNNAMED_PREFIX = "Unnamed ("
/** The timeline's name for the server's own changes (closing and reopening the meeting). */
export const SERVER_NAME = "The server"

/**
 * Names and colours for `actors`. One person may have written through several actors (each page
 * load is one): they share the person's name and colour. People here keep their presence colour;
 * others get a free colour of the palette (unlike those in use while it can), in name order, so
 * the legend reads the same on every page that sees the same people.
 */
export function describeAuthors(actors: Iterable<string>, context: AuthorContext): Map<string, AuthorInfo> {
  const names = new Map<string, string>()
  for (const actor of actors) names.set(actor, nameOf(actor, context))
  const colors = new Map<string, number | null>()
  const taken = new Set<number>()
  for (const person of context.present) {
    if (!colors.has(person.name)) {
      colors.set(person.name, person.color)
      taken.add(person.color)
    }
  }
  const others = [...new Set(names.values())].filter((name) => !colors.has(name)).sort((a, b) => a.localeCompare(b))
  for (const name of others) {
    if (name === TEMPLATE_NAME) {
      colors.set(name, null)
      continue
    }
    const color = taken.size < PALETTE_SIZE ? freeColor(0, taken) : hash(name) % PALETTE_SIZE
    taken.add(color)
    colors.set(name, color)
  }
  const described = new Map<string, AuthorInfo>()
  for (const [actor, name] of names) {
    described.set(actor, { name, color: colors.get(name) ?? null, known: knownName(actor, context) !== null })
  }
  return described
}

/** The class that colours an author's text. */
export function authorClass(author: AuthorInfo): string {
  return author.color === null ? "author-plain" : `peer-color-${author.color}`
}

function nameOf(actor: string, context: AuthorContext): string {
  return knownName(actor, context) ?? `${UNNAMED_PREFIX}${actor.slice(0, 6)})`
}

/** The name an actor is known by, or null: its person never named it and it is not the template's. */
function knownName(actor: string, context: AuthorContext): string | null {
  if (actor === context.selfActor && context.selfName) return context.selfName
  const named = context.people.get(actor)
  if (named) return named
  if (actor === context.creator) return TEMPLATE_NAME
  return null
}

function hash(text: string): number {
  let value = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193) >>> 0
  return value
}
