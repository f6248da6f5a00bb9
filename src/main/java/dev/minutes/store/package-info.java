/**
 * Durable storage of documents in Redis.
 *
 * <p>Each Automerge document is a snapshot plus an append-only log of incremental change chunks
 * ({@link dev.minutes.store.DocumentStore}). Log entries carry absolute sequence numbers that
 * survive compaction, so several server nodes can share one Redis: each remembers the last sequence
 * number it merged, is woken by a {@link dev.minutes.store.ChangeFeed} announcement and catches up
 * with {@code readSince}. A document's write gate closes atomically when its meeting closes; after
 * that only the server's own system change may be appended.
 *
 * <p>Redis layout (prefix default {@code minutes:}, see {@link dev.minutes.store.RedisKeys}):
 *
 * <pre>
 *   &lt;prefix&gt;doc:{id}:snapshot   string  latest snapshot bytes; its existence defines the document
 *   &lt;prefix&gt;doc:{id}:log        list    change chunks after the snapshot, oldest first
 *   &lt;prefix&gt;doc:{id}:base       string  sequence number of the last entry folded into the snapshot (absent = 0)
 *   &lt;prefix&gt;doc:{id}:gate       string  present once writes are closed
 *   &lt;prefix&gt;changes             channel "&lt;id&gt; &lt;seq&gt;" after every append
 * </pre>
 *
 * <p>Only this package sees Redisson: its futures become Vert.x futures on the caller's context in
 * {@code RedisFutures}, and only {@code *Async} calls are made outside {@link
 * dev.minutes.store.RedisConnection}'s blocking connect and close, which run on worker threads.
 */
package dev.minutes.store;
