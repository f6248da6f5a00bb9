package dev.minutes.publish;

import dev.minutes.store.PublishOutbox;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.SettingsBoard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.ClientSSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of the publish side (docs/contract.md §5): the configured targets, the outbox in Redis,
 * the delivery worker and the operator operations.
 *
 * <p>Flow: at close, {@link Publisher#jobsFor} serializes one job per target and the meeting store
 * adds them to the outbox stream, then marks the meeting closed. Every node runs a {@link
 * DeliveryWorker} that turns outbox entries into job records (via the stream's consumer group),
 * claims due jobs under a lease and delivers them, retrying with {@link RetryPolicy} until the
 * target accepts or the job is given up (then it waits in the dead letters for an operator). The
 * jobs live in Redis only, so they survive restarts of any node.
 *
 * <p>All nodes of a deployment should share one publish configuration: the node that claims a job
 * delivers it with its own targets. With several nodes, point {@code MINUTES_PUBLISH_FOLDER} at a
 * shared directory or turn the folder off, since each node otherwise writes to its own disk.
 */
public final class PublishModule {
  private static final Logger log = LoggerFactory.getLogger(PublishModule.class);

  /** Connections kept to the webhook receiver; attempts beyond it queue. */
  private static final int WEBHOOK_POOL_SIZE = 8;

  /** Added to an attempt's hard bound so a slow but live attempt never loses its lease. */
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final OutboxPublisher publisher;
  private final DeliveryWorker worker;
  private final HttpClient webhookClient;
  private final SettingsCheck settingsCheck;
  private String deploymentId;

  private PublishModule(
      Vertx vertx,
      OutboxPublisher publisher,
      DeliveryWorker worker,
      HttpClient webhookClient,
      SettingsCheck settingsCheck) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.worker = worker;
    this.webhookClient = webhookClient;
    this.settingsCheck = settingsCheck;
  }

  /** The module with the system clock and the configured retry schedule. */
  public static PublishModule create(
      Vertx vertx, PublishSettings settings, RedisConnection redis, MeterRegistry registry) {
    return create(
        vertx, settings, redis, registry, Clock.systemUTC(), RetryPolicy.of(settings.retry()));
  }

  /**
   * The module with an injected clock and retry policy (tests).
   *
   * @throws IllegalArgumentException when a webhook secret is malformed (the message names its
   *     position only)
   */
  public static PublishModule create(
      Vertx vertx,
      PublishSettings settings,
      RedisConnection redis,
      MeterRegistry registry,
      Clock clock,
      RetryPolicy policy) {
    List<PublishTarget> targets = new ArrayList<>();
    settings.folder().ifPresent(folder -> targets.add(new FolderTarget(vertx, folder)));
    HttpClient webhookClient = null;
    if (settings.webhookUrl().isPresent()) {
      WebhookSigner signer = new WebhookSigner(settings.webhookSecrets());
      webhookClient = webhookClient(vertx, settings.webhookTimeout());
      targets.add(
          new WebhookTarget(
              webhookClient,
              settings.webhookUrl().get(),
              signer,
              settings.webhookTimeout(),
              clock));
    }
    Map<String, PublishTarget> byName = new LinkedHashMap<>();
    targets.forEach(target -> byName.put(target.name(), target));
    // An attempt is bounded by twice the webhook timeout (connect, then answer).
    Duration lease = settings.webhookTimeout().multipliedBy(2).plus(LEASE_MARGIN);
    PublishOutbox outbox = new PublishOutbox(redis);
    String nodeId = "node-" + UUID.randomUUID();
    DeliveryWorker worker =
        new DeliveryWorker(
            outbox, byName, policy, clock, new PublishMetrics(registry), nodeId, lease);
    OutboxPublisher publisher =
        new OutboxPublisher(outbox, targets, clock, worker::wake, settings.publishedUrl());
    log.info(
        "publish targets: {}",
        targets.isEmpty()
            ? "none"
            : targets.stream()
                .map(t -> t.name() + " (" + t.location("<updated>.md") + ")")
                .collect(Collectors.joining(", ")));
    SettingsCheck settingsCheck =
        new SettingsCheck(
            vertx, new SettingsBoard(redis), nodeId, SettingsCheck.describe(settings), clock);
    return new PublishModule(vertx, publisher, worker, webhookClient, settingsCheck);
  }

  private static HttpClient webhookClient(Vertx vertx, Duration timeout) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setName("minutes-webhook")
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .setKeepAlive(true)
            .setVerifyHost(true);
    ClientSSLOptions ssl = options.getSslOptions();
    if (ssl != null) {
      ssl.setHostnameVerificationAlgorithm("HTTPS");
    }
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(WEBHOOK_POOL_SIZE));
  }

  public Publisher publisher() {
    return publisher;
  }

  public PublishOperations operations() {
    return publisher;
  }

  /** Deploys the delivery worker, then compares this node's publish settings with the others'. */
  public Future<Void> start() {
    return vertx
        .deployVerticle(worker)
        .map(
            id -> {
              deploymentId = id;
              settingsCheck.start();
              return null;
            });
  }

  /** The comparison of publish settings between nodes, for tests that compare without waiting. */
  public SettingsCheck settingsCheck() {
    return settingsCheck;
  }

  /**
   * Undeploys the worker (it waits for attempts in flight to be recorded), then closes the webhook
   * client.
   */
  public Future<Void> stop() {
    String deployed = deploymentId;
    Future<Void> undeployed =
        deployed == null
            ? Future.succeededFuture()
            : settingsCheck.stop().transform(ar -> vertx.undeploy(deployed));
    deploymentId = null;
    return undeployed.eventually(
        () -> webhookClient == null ? Future.succeededFuture() : webhookClient.close());
  }
}
