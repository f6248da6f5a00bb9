/**
 * Messages between the page and the history worker (history.worker.ts). The worker reads a saved
 * copy of the document and answers questions about its history, off the page's main thread.
 */

/** A change named by its actor (hex) and sequence number, as `getChangeMetaByHash` gives them. */
export interface ChangeRef {
  readonly actor: string
  readonly seq: number
}

/** A state of the document: now (the loaded copy), a timeline point, or the changes up to some heads. */
export type HistoryTarget =
  | { readonly now: true }
  | { readonly point: number }
  | { readonly heads: readonly ChangeRef[] }
  | { readonly empty: true }

export type HistoryRequest =
  /**
   * A saved copy of the document (`saveNoCompress`) and its `body` text (null when the body is not
   * text), which the reading must reproduce before any answer is given from it.
   */
  | { readonly kind: "load"; readonly bytes: Uint8Array; readonly body: string | null }
  | { readonly kind: "authors" }
  | { readonly kind: "creator" }
  | { readonly kind: "sessions"; readonly people: Readonly<Record<string, string>> }
  | { readonly kind: "compare"; readonly from: HistoryTarget; readonly to: HistoryTarget }

export interface AuthorSpan {
  readonly from: number
  readonly to: number
  /** Actor id (hex). */
  readonly actor: string
}

export interface PointInfo {
  readonly person: string
  /** Actor id (hex) of the session's last change: whose session ends at this step. */
  readonly actor: string
  /** Actor ids (hex) whose changes the point adds. */
  readonly actors: readonly string[]
  readonly start: number
  readonly end: number
  readonly changes: number
}

/** A stretch of the later text of a comparison; `removed` text takes no place in it (`at` is where it was). */
export interface ChangeSegment {
  readonly kind: "kept" | "added" | "removed"
  readonly text: string
  readonly at: number
  /** Actor id (hex) who added or removed it; "" for kept text or when unknown. */
  readonly actor: string
}

export type HistoryReply =
  | { readonly kind: "load"; readonly changes: number; readonly actors: readonly string[] }
  | { readonly kind: "authors"; readonly text: string; readonly spans: readonly AuthorSpan[] }
  /** The actor of the document's first change (who created it), null for an empty document. */
  | { readonly kind: "creator"; readonly creator: string | null }
  | { readonly kind: "sessions"; readonly points: readonly PointInfo[] }
  | { readonly kind: "compare"; readonly text: string; readonly segments: readonly ChangeSegment[] }
  /**
   * `unreadable`: the saved copy is not one the worker understands (see savedDocument.ts), nothing
   * is loaded; `stuck` (made by the client, never sent): the worker did not answer and was stopped.
   */
  | { readonly kind: "error"; readonly message: string; readonly unreadable?: true; readonly stuck?: true }

/** Envelopes: requests are answered in order, each reply carries its request's id. */
export interface RequestEnvelope {
  readonly id: number
  readonly request: HistoryRequest
}

export interface ReplyEnvelope {
  readonly id: number
  readonly reply: HistoryReply
}
