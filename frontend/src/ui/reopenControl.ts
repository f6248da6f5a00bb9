import { h, replaceChildren } from "./dom.js"

/**
 * "Reopen for corrections…" for the chair of a closed call: it asks once more, saying what
 * reopening does (the published minutes stay until the call is closed again), then calls `reopen`
 * and `reopened`; a refusal shows its reason beside the buttons.
 */
export function reopenControl(reopen: () => Promise<unknown>, reopened: () => void): HTMLElement {
  const slot = h("div", { class: "reopen" })
  const ask = h(
    "button",
    { type: "button", class: "button button-small", "data-testid": "reopen-call" },
    "Reopen for corrections…",
  )
  ask.addEventListener("click", () => {
    const confirm = h(
      "button",
      { type: "button", class: "button button-small button-primary", "data-testid": "confirm-reopen" },
      "Reopen",
    )
    const cancel = h("button", { type: "button", class: "button button-small" }, "Cancel")
    const error = h("p", { class: "form-error", role: "alert", hidden: true })
    replaceChildren(
      slot,
      h(
        "p",
        { class: "panel-note" },
        "Everyone with a link can edit this call again. Its published minutes stay as they are until it is closed again, which publishes the correction under the same name.",
      ),
      h("div", { class: "form-actions" }, confirm, cancel),
      error,
    )
    confirm.focus()
    cancel.addEventListener("click", () => {
      replaceChildren(slot, ask)
      ask.focus()
    })
    confirm.addEventListener("click", () => {
      confirm.disabled = true
      reopen()
        .then(reopened)
        .catch((failure: unknown) => {
          confirm.disabled = false
          error.textContent = failure instanceof Error ? failure.message : "The call could not be reopened."
          error.hidden = false
        })
    })
  })
  slot.append(ask)
  return slot
}
