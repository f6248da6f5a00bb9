package dev.minutes.sync;

/**
 * What one sync connection may cost, from configuration.
 *
 * @param writeQueueBytes outgoing bytes queued for a socket before its client counts as not reading
 * @param maxDocuments documents one connection may sync at once
 * @param maxConnectionsPerIp concurrent sync connections from one address
 * @param messagesPerSecond sustained incoming messages per connection (bursts of twice that pass)
 */
public record ConnectionLimits(int writeQueueBytes, int maxDocuments, int maxConnectionsPerIp, int messagesPerSecond) {}
