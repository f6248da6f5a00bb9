import { next as A } from "@automerge/automerge/slim"
import type { DocHandle } from "@automerge/automerge-repo"
import { readMetaString } from "./text/metaString.js"
import type { MinutesDoc } from "./types.js"

/** Longest name shown; longer ones (anyone can write the map) are cut. */
const NAME_LIMIT = 60

/**
 * Who is who in the document (contract §1 `people`): each actor id (hex) → the name its person
 * chose. Names are labels written by anyone who may edit: read them as untrusted text, never
 * for permissions.
 */
export function peopleOf(doc: MinutesDoc): Map<string, string> {
  const people = new Map<string, string>()
  const map = doc.people
  if (!map || typeof map !== "object") return people
  for (const [actor, value] of Object.entries(map)) {
    const name = readMetaString(value).replace(/\s+/g, " ").trim().slice(0, NAME_LIMIT)
    if (/^[0-9a-f]{2,128}$/.test(actor) && name) people.set(actor, name)
  }
  return people
}

/**
 * Writes this page's entry in `people`: its own actor id → the name its person chose. One small
 * change, and only when the document does not say that name already, so a name is written once
 * (again only if a concurrent creation of the map lost it). Pages that may not write (viewers,
 * closed meetings) never call it.
 */
export class NameRecord {
  readonly #handle: DocHandle<MinutesDoc>
  #name: string | null = null

  constructor(handle: DocHandle<MinutesDoc>) {
    this.#handle = handle
  }

  /** Records `name` for this page's actor (if the document does not already say so). */
  record(name: string): void {
    this.#name = name.trim().slice(0, NAME_LIMIT)
    this.ensure()
  }

  /** Writes the recorded name again if the document lost it; cheap to call on every change. */
  ensure(): void {
    const name = this.#name
    if (!name) return
    const doc = this.#handle.doc()
    const actor = A.getActorId(doc)
    if (readMetaString(doc.people?.[actor]) === name) return
    this.#handle.change((draft) => {
      if (!draft.people || typeof draft.people !== "object") draft.people = {}
      draft.people[actor] = name
    })
  }
}
