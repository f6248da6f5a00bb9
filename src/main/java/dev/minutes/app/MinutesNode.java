package dev.minutes.app;

import dev.minutes.http.HttpApi;
import dev.minutes.http.RequestDeadline;
import dev.minutes.meeting.MeetingDocument;
import dev.minutes.meeting.MeetingService;
import dev.minutes.publish.PublishModule;
import dev.minutes.series.SeriesService;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.DocumentWatch;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.PublicationNames;
import dev.minutes.store.RedisChangeFeed;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.RedisEphemeralBus;
import dev.minutes.store.RedisTopology;
import dev.minutes.store.ReopenNotices;
import dev.minutes.store.SeriesRecords;
import dev.minutes.store.StorageIdentity;
import dev.minutes.sync.AutomergeObjects;
import dev.minutes.sync.ConnectionLimits;
import dev.minutes.sync.DocumentSession;
import dev.minutes.sync.PeerConnection;
import dev.minutes.sync.PeerDirectory;
import dev.minutes.sync.PresenceAcrossNodes;
import dev.minutes.sync.ServerIdentity;
import dev.minutes.sync.SessionPool;
import dev.minutes.sync.SessionRegistry;
import dev.minutes.sync.SessionSettings;
import dev.minutes.sync.SyncMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running minutes node: startup in dependency order (Redis, store, sessions, meetings, publish,
 * HTTP) and shutdown in reverse. Tests start nodes in-process through {@link #start}.
 */
public final class MinutesNode {
  private static final Logger log = LoggerFactory.getLogger(MinutesNode.class);

  private final Vertx vertx;
  private final MinutesConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AutomergeObjects natives = new AutomergeObjects();
  private final PeerDirectory directory = new PeerDirectory();
  private EmbeddedRedis embeddedRedis;
  private RedisConnection redis;
  private RedisChangeFeed changeFeed;
  private RedisEphemeralBus ephemeralBus;
  private ReopenNotices reopenNotices;
  private PresenceAcrossNodes otherNodes;
  private SessionPool pool;
  private SessionRegistry sessions;
  private PublishModule publish;
  private MeetingService meetings;
  private HttpServer server;

  private MinutesNode(Vertx vertx, MinutesConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Starts a node; the future completes once it serves HTTP. */
  public static Future<MinutesNode> start(Vertx vertx, MinutesConfig config) {
    MinutesNode node = new MinutesNode(vertx, config);
    // A handler that throws must never fail silently.
    vertx.exceptionHandler(failure -> log.error("unhandled failure in a Vert.x handler", failure));
    return node.startRedis()
        .compose(
            topology ->
                RedisConnection.connect(
                    vertx, topology, config.redisKeyPrefix(), config.redisMinReplicas()))
        .compose(
            connection -> {
              node.redis = connection;
              return StorageIdentity.obtain(connection);
            })
        .compose(node::startServices)
        .map(node)
        .recover(failure -> node.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<RedisTopology> startRedis() {
    if (config.redis().isPresent()) {
      return Future.succeededFuture(config.redis().get());
    }
    return vertx.executeBlocking(
        () -> {
          Files.createDirectories(config.dataDir());
          embeddedRedis = EmbeddedRedis.start(config.dataDir().resolve("redis"));
          log.warn(
              "single-node mode: no REDIS_URL set, started an embedded Redis at {} with its data in {} "
                  + "(appendonly, fsync always). Set REDIS_URL to share one Redis between several nodes.",
              embeddedRedis.url(),
              embeddedRedis.dataDir());
          return new RedisTopology.Standalone(embeddedRedis.url());
        },
        false);
  }

  private Future<Void> startServices(String storageId) {
    SyncMetrics syncMetrics = new SyncMetrics(registry);
    DocumentStore store = new RedisDocumentStore(redis);
    pool = new SessionPool(config.automergeThreads());
    ephemeralBus = new RedisEphemeralBus(redis);
    otherNodes = new PresenceAcrossNodes(ephemeralBus);
    changeFeed = new RedisChangeFeed(redis);
    MeetingDocument meetingDocument = new MeetingDocument(natives);
    sessions =
        new SessionRegistry(
            vertx,
            store,
            pool,
            natives,
            new SessionSettings(
                config.sessionIdle(),
                config.compactAfter(),
                config.presencePerSecond(),
                config.syncBatchWindow(),
                config.sizeLimits()),
            syncMetrics,
            otherNodes,
            DocumentWatch.all(List.of(changeFeed, ephemeralBus)),
            meetingDocument::digest);
    ServerIdentity identity = new ServerIdentity("minutes-" + UUID.randomUUID(), storageId);
    registerGauges();
    publish = PublishModule.create(vertx, config.publishSettings(), redis, registry);
    reopenNotices = new ReopenNotices(redis);
    SeriesRecords seriesRecords = new SeriesRecords(redis);
    MeetingRecords meetingRecords = new MeetingRecords(redis);
    meetings =
        new MeetingService(
            vertx,
            new MeetingService.MeetingStores(
                meetingRecords, seriesRecords, new PublicationNames(redis), reopenNotices, store),
            sessions,
            pool,
            meetingDocument,
            publish.publisher(),
            config.earlierTextAfter(),
            Clock.systemUTC());
    return changeFeed
        .start(
            announcement ->
                Optional.ofNullable(sessions.loaded(announcement.documentId()))
                    .ifPresent(session -> session.storedElsewhere(announcement.seq())),
            sessions::catchUpAll)
        .compose(
            v ->
                otherNodes.start(
                    message ->
                        Optional.ofNullable(sessions.loaded(message.documentId()))
                            .ifPresent(session -> session.ephemeral(message, true))))
        .compose(
            v ->
                reopenNotices.start(
                    documentId ->
                        Optional.ofNullable(sessions.loaded(documentId))
                            .ifPresent(DocumentSession::markReopened)))
        .compose(v -> publish.start())
        .onSuccess(v -> meetings.start())
        .compose(
            v ->
                listen(
                    new HttpApi.Parts(
                        meetings,
                        new SeriesService(
                            seriesRecords, meetingRecords, meetings, Clock.systemUTC()),
                        sessions,
                        directory,
                        identity,
                        syncMetrics,
                        registry,
                        redis::ping,
                        config.createToken(),
                        config.publicUrl(),
                        config.allowedOrigins(),
                        config.trustedProxies(),
                        config.maxHttpBodyBytes(),
                        new ConnectionLimits(
                            config.writeQueueBytes(),
                            config.maxDocumentsPerConnection(),
                            config.maxConnectionsPerIp(),
                            config.maxMessagesPerSecond(),
                            config.syncPingInterval()),
                        config.operatorToken(),
                        publish.operations(),
                        new RequestDeadline(
                            vertx, config.requestTimeout(), config.keepAliveTimeout(), registry))));
  }

  private Future<Void> listen(HttpApi.Parts parts) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setMaxWebSocketFrameSize(config.maxFrameBytes())
            .setMaxWebSocketMessageSize(config.maxMessageBytes())
            .setIdleTimeout(0)
            .setWebSocketClosingTimeout(5)
            .setCompressionSupported(true)
            // Netty inflates a permessage-deflate frame without bound: a frame under the size
            // limit could inflate a thousandfold. Clients work the same without the extension.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            // No h2c: nothing here speaks it, and while Vert.x sniffs for its preface a
            // connection does not exist yet for the RequestDeadline to bound (a silent or slow
            // client would hold it forever).
            .setHttp2ClearTextEnabled(false);
    return vertx
        .createHttpServer(options)
        .connectionHandler(parts.requestDeadline()::onConnection)
        .requestHandler(HttpApi.router(vertx, parts))
        .listen()
        .recover(
            failure ->
                Future.failedFuture(
                    new CannotListen(
                        "cannot listen on "
                            + config.httpHost()
                            + ":"
                            + config.httpPort()
                            + " (MINUTES_HTTP_HOST, MINUTES_HTTP_PORT): "
                            + failure.getMessage(),
                        failure)))
        .map(
            listening -> {
              server = listening;
              log.info(
                  "minutes listening on http://{}:{}", config.httpHost(), listening.actualPort());
              return null;
            });
  }

  private void registerGauges() {
    Gauge.builder("minutes_open_documents", sessions, SessionRegistry::openDocuments)
        .register(registry);
    Gauge.builder("minutes_connections", directory, PeerDirectory::connections).register(registry);
    Gauge.builder("minutes_native_documents", natives, AutomergeObjects::liveDocuments)
        .register(registry);
    Gauge.builder("minutes_native_sync_states", natives, AutomergeObjects::liveSyncStates)
        .register(registry);
  }

  /** The bound HTTP port. */
  public int port() {
    return server.actualPort();
  }

  public AutomergeObjects natives() {
    return natives;
  }

  /** The publish side (tests reach its parts through it). */
  public PublishModule publish() {
    return publish;
  }

  public MeetingService meetings() {
    return meetings;
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Graceful stop: close sockets with "going away" so clients reconnect elsewhere, stop accepting,
   * let sessions finish and free their native memory, then disconnect Redis and stop the embedded
   * one.
   */
  public Future<Void> stop() {
    for (PeerConnection connection : directory.all()) {
      connection.goingAway();
    }
    Future<Void> http = server == null ? Future.succeededFuture() : server.close();
    return http.eventually(() -> sessions == null ? Future.succeededFuture() : sessions.closeAll())
        .eventually(() -> meetings == null ? Future.succeededFuture() : meetings.stop())
        .eventually(() -> publish == null ? Future.succeededFuture() : publish.stop())
        .eventually(() -> changeFeed == null ? Future.succeededFuture() : changeFeed.stop())
        .eventually(() -> ephemeralBus == null ? Future.succeededFuture() : ephemeralBus.stop())
        .eventually(() -> reopenNotices == null ? Future.succeededFuture() : reopenNotices.stop())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      if (pool != null) {
                        pool.close();
                      }
                      if (embeddedRedis != null) {
                        embeddedRedis.stop();
                      }
                      return null;
                    },
                    false))
        .onComplete(ar -> log.info("minutes node stopped; live native objects: {}", natives.live()))
        .mapEmpty();
  }

  /** The HTTP port could not be bound; the message names the address and the settings. */
  static final class CannotListen extends RuntimeException {
    CannotListen(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
