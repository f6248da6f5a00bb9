package dev.minutes.sync;

/**
 * What one sync connection may cost, from configuration.
 *
 * @param writeQueueBytes outgoing bytes queued for a socket before its client counts as not reading
 * @param maxDocuments documents one connection may sync at once
 * @param maxConnectionsPerIp concurrent sync connections from one address
 * @param messagesPerSecond sustained incoming messages per connection (bursts of twice that pass)
 * @param pingInterval how often the server pings a socket; a socket from which nothing (not even a
 *     pong) arrived for a whole interval after a ping is closed as dead (zero: no pings)
 */
public record ConnectionLimits(
    int writeQueueBytes,
    int maxDocuments,
    int maxConnectionsPerIp,
    int messagesPerSecond,
    java.time.Duration pingInterval) {}
