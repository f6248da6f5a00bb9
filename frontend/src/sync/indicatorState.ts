/**
 * What the connection indicator says. It must tell the truth: "saved" only when the server has
 * acknowledged (and therefore stored, docs/contract.md §4) every change this page holds.
 */
export type IndicatorKind = "saved" | "saving" | "offline" | "closed" | "error"

export interface IndicatorView {
  readonly kind: IndicatorKind
  /** The visible text; for the three sync states exactly `saved`, `saving`, `offline (N edits pending)`. */
  readonly text: string
  /** A longer sentence for the tooltip and screen readers. */
  readonly description: string
}

export interface IndicatorInput {
  /** The meeting is closed: nothing more can be saved. */
  readonly closed: boolean
  /** A problem that stops syncing altogether (refused change, lost access). */
  readonly error: string | null
  /** A socket to the server is open and the server answered our `join` with `peer`. */
  readonly connected: boolean
  /**
   * Changes this page holds that the server's advertised heads do not contain, or null while the
   * server's heads are unknown (no `peer` message and nothing remembered from an earlier visit).
   */
  readonly pending: number | null
}

export function indicatorView(input: IndicatorInput): IndicatorView {
  if (input.error !== null) {
    return { kind: "error", text: "error", description: input.error }
  }
  if (input.closed) {
    return {
      kind: "closed",
      text: "closed",
      description: "The meeting is closed: the minutes are final and can no longer be edited.",
    }
  }
  if (!input.connected) {
    const pending = input.pending ?? 0
    return {
      kind: "offline",
      text: `offline (${pending} edits pending)`,
      description:
        pending === 0
          ? "Not connected to the server. Edits made now are kept in this browser and sent when the connection is back."
          : `Not connected to the server. ${pending} ${pending === 1 ? "edit is" : "edits are"} kept in this browser and will be sent when the connection is back.`,
    }
  }
  if (input.pending === 0) {
    return { kind: "saved", text: "saved", description: "Every edit on this page is stored on the server." }
  }
  return {
    kind: "saving",
    text: "saving",
    description: "Sending edits to the server and waiting for it to confirm they are stored.",
  }
}
