/**
 * The automerge-repo WebSocket wire format, as pure functions: bytes in, typed records out, and
 * back.
 *
 * <p>Nothing here does I/O, logging or threading, and nothing depends on Vert.x or on the Automerge
 * native library. {@link dev.minutes.sync.codec.MessageCodec} turns one binary WebSocket frame (one
 * CBOR map) into a {@link dev.minutes.sync.codec.ProtocolMessage} and back; {@link
 * dev.minutes.sync.codec.SyncMessageInspector} reads the header of the Automerge sync message
 * carried in {@code sync}/{@code request} frames without handing the bytes to Automerge; {@link
 * dev.minutes.sync.codec.DocumentIds} validates and creates base58check document ids.
 *
 * <p>Every refusal of untrusted input is a {@link dev.minutes.sync.codec.MalformedMessageException}
 * whose message names the problem. Parsing is bounded by the input: no allocation larger than the
 * input, no recursion deeper than a small fixed limit, no loop that does not consume input.
 *
 * <p>Reference: {@code docs/protocol.md}.
 */
package dev.minutes.sync.codec;
