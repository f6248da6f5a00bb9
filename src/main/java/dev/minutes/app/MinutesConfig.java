package dev.minutes.app;

import dev.minutes.http.TrustedProxies;
import dev.minutes.publish.PublishSettings;
import dev.minutes.publish.PublishSettings.RetrySchedule;
import dev.minutes.publish.PublishedUrl;
import dev.minutes.store.RedisTopology;
import dev.minutes.sync.SizeLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of a node, built once at startup by {@link ConfigLoader} (defaults, then an
 * optional file, then environment variables) and passed through constructors. Immutable.
 *
 * @param httpHost interface to bind
 * @param httpPort port to bind; 0 takes a free one
 * @param dataDir the embedded Redis' files and the default folder publish target
 * @param redis the Redis to use (one server, Sentinel or Cluster); empty starts the embedded one
 *     (single-node mode)
 * @param redisMinReplicas replicas that must confirm a write (WAIT) before it is acknowledged
 * @param redisKeyPrefix prefix of every Redis key, so several deployments can share one Redis
 * @param publicUrl base URL used in meeting links; empty derives it from each request's Host header
 * @param createToken when set, creating or importing a meeting requires it as a bearer token
 * @param operatorToken when set, enables the operator routes behind it
 * @param allowedOrigins WebSocket/page origins accepted on /sync; empty accepts same-host origins
 *     only
 * @param trustedProxies load balancers whose {@code X-Forwarded-For} names the client (limits per
 *     address count clients, not the proxy)
 * @param maxFrameBytes largest WebSocket frame accepted
 * @param maxMessageBytes largest reassembled WebSocket message accepted
 * @param maxHttpBodyBytes largest HTTP request body accepted
 * @param writeQueueBytes per-socket outgoing queue; a client that stops reading past it is
 *     disconnected
 * @param maxConnectionsPerIp concurrent WebSocket connections allowed from one address
 * @param maxDocumentsPerConnection documents one connection may sync at once
 * @param maxMessagesPerSecond sustained incoming protocol messages per connection (bursts of twice
 *     pass)
 * @param presencePerSecond presence messages a node forwards per second and document (bursts of
 *     twice pass)
 * @param requestTimeout how long a new connection may take to deliver a whole request before it is
 *     closed (slow-loris); upgraded WebSockets are exempt
 * @param keepAliveTimeout how long a connection may then take to deliver its next request (idle
 *     keep-alive)
 * @param sessionIdle how long a document stays loaded after its last peer left
 * @param compactAfter log entries after which a document's log is folded into a new snapshot
 * @param earlierTextAfter how long a page opening a meeting this node has not loaded waits for the
 *     load before it is answered the last digest kept, older than what is stored (zero: at once)
 * @param syncBatchWindow shortest time between two sync messages to one steady peer (changes
 *     meanwhile go together)
 * @param syncPingInterval how often a sync socket is pinged; one silent for a whole interval after
 *     a ping is closed (zero: never pinged)
 * @param sizeLimits how large one meeting's document may grow (body characters, changes)
 * @param automergeThreads size of the worker pool running Automerge (JNI) work
 * @param publishFolder folder publish target directory; empty disables the folder target
 * @param webhookUrl webhook publish target; empty disables it
 * @param webhookSecrets {@code whsec_} secrets; each one signs (one signature per secret, for
 *     rotation)
 * @param publishRetry retry schedule of publish deliveries
 * @param webhookTimeout connect and response timeout of one webhook attempt
 * @param publishedUrl where the docs site shows published minutes, a URL template with {@code
 *     {permalink}} and {@code {path}} (checked by {@code PublishedUrl.of}); empty: no links
 */
public record MinutesConfig(
    String httpHost,
    int httpPort,
    Path dataDir,
    Optional<RedisTopology> redis,
    int redisMinReplicas,
    String redisKeyPrefix,
    Optional<URI> publicUrl,
    Optional<String> createToken,
    Optional<String> operatorToken,
    List<String> allowedOrigins,
    TrustedProxies trustedProxies,
    int maxFrameBytes,
    int maxMessageBytes,
    long maxHttpBodyBytes,
    int writeQueueBytes,
    int maxConnectionsPerIp,
    int maxDocumentsPerConnection,
    int maxMessagesPerSecond,
    int presencePerSecond,
    Duration requestTimeout,
    Duration keepAliveTimeout,
    Duration sessionIdle,
    int compactAfter,
    Duration earlierTextAfter,
    Duration syncBatchWindow,
    Duration syncPingInterval,
    SizeLimits sizeLimits,
    int automergeThreads,
    Optional<Path> publishFolder,
    Optional<URI> webhookUrl,
    List<String> webhookSecrets,
    RetrySchedule publishRetry,
    Duration webhookTimeout,
    Optional<String> publishedUrl) {

  /** The publish module's part of the configuration. */
  public PublishSettings publishSettings() {
    return new PublishSettings(
        publishFolder,
        webhookUrl,
        webhookSecrets,
        publishRetry,
        webhookTimeout,
        publishedUrl.map(PublishedUrl::of));
  }

  /** True when no Redis is configured: the node starts its own Redis and runs alone. */
  public boolean singleNode() {
    return redis.isEmpty();
  }
}
