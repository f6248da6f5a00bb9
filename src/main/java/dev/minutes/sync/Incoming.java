package dev.minutes.sync;

import dev.minutes.sync.codec.SyncMessageSummary;

/**
 * A sync or request message from a peer, waiting for the session's next cycle; {@code changes} are
 * the change chunks it carries (empty when none).
 */
record Incoming(String peerId, byte[] data, byte[] changes, SyncMessageSummary summary) {}
