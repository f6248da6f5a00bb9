import wasmUrl from "@automerge/automerge/automerge.wasm?url"
import { initializeWasm } from "@automerge/automerge-repo/slim"

let loading: Promise<void> | null = null

/**
 * Fetches and compiles Automerge's wasm (streaming, ~3.6 MB) once. The page imports only the slim
 * builds of Automerge and automerge-repo, so its scripts run at once instead of waiting for the
 * wasm: a meeting page asks for the meeting and shows its text while the wasm compiles. Everything
 * that calls Automerge waits for this first.
 */
export function automergeReady(): Promise<void> {
  loading ??= initializeWasm(wasmUrl)
  return loading
}
