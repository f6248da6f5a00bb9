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
 * <p>Why CBOR is read and written here rather than with jackson-dataformat-cbor: not for speed.
 * {@code CodecBenchmark} runs both on the same {@code sync} frame ({@code mvn -Pjmh -Dnpm.skip=true
 * test-compile exec:exec@jmh -Djmh.args="CodecBenchmark -f 2 -wi 3 -w 2s -i 5 -r 2s"}, 2026-12-06,
 * a busy two-core machine): decoding a keystroke frame 414 ± 115 ns here, 497 ± 112 ns with
 * Jackson's streaming parser (the same checks, {@code StreamReadConstraints} for depth and
 * lengths); a 20 kB frame 1,720 ± 504 against 1,567 ± 137 ns; encoding a keystroke frame 138 ± 25
 * against 241 ± 14 ns. Either is a thousandth of what a keystroke costs the server. What this
 * reader does that a generic parser leaves to its caller is the protocol's rules: it indexes the
 * map once and decodes a field only when the message type asks for it (unknown keys are skipped
 * without allocating), refuses duplicate keys, reads {@code undefined} as absent and cbor-x's
 * typed-array tags (64, 68) as bytes, accepts float counts as JavaScript sends them, and names each
 * problem in the refusal the client gets; its bounds (depth 32, every length checked against the
 * frame before allocating) are fuzzed ({@code CodecFuzzTest}). On Jackson's token stream all of
 * that would be written again; only the 500 lines of {@code CborReader}/{@code CborWriter} would
 * go. So the measured choice is to keep it.
 *
 * <p>Reference: {@code docs/protocol.md}.
 */
package dev.minutes.sync.codec;
