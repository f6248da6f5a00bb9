import { HistoryService } from "./historyService.js"
import type { ReplyEnvelope, RequestEnvelope } from "./protocol.js"

// The history of a large meeting takes tens of milliseconds to read: here it never holds up typing.
const service = new HistoryService()
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RequestEnvelope>) => void) | null
  postMessage(message: ReplyEnvelope): void
}
scope.onmessage = (event) => {
  const { id, request } = event.data
  scope.postMessage({ id, reply: service.handle(request) })
}
