package dev.minutes.sync;

/** A message for a peer; {@code fastPath} when written by the {@link FastPath}, not Automerge. */
record Outgoing(PeerLink link, byte[] data, boolean fastPath) {}
