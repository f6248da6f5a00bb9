package dev.minutes.publish;

import dev.minutes.store.SettingsBoard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator when the nodes of one deployment publish differently. The node that closes a
 * meeting queues one job per target it has, so a node started without {@code MINUTES_WEBHOOK_URL}
 * (or with another secret) silently sends the docs site nothing (or what it cannot verify) for the
 * meetings it closes. Each node says on a board in Redis what it publishes with, every {@link
 * #EVERY}, and logs a warning, once per difference, when another running node says otherwise.
 */
public final class SettingsCheck {
  private static final Logger log = LoggerFactory.getLogger(SettingsCheck.class);
  static final Duration EVERY = Duration.ofSeconds(30);

  /** A node that has not said anything for this long is taken as stopped. */
  static final Duration FRESH = EVERY.multipliedBy(3);

  private final Vertx vertx;
  private final SettingsBoard board;
  private final String nodeId;
  private final String description;
  private final Clock clock;
  private final Set<String> warned = new HashSet<>();
  private long timer = -1;

  SettingsCheck(Vertx vertx, SettingsBoard board, String nodeId, String description, Clock clock) {
    this.vertx = vertx;
    this.board = board;
    this.nodeId = nodeId;
    this.description = description;
    this.clock = clock;
  }

  /**
   * What a node's publishing depends on, in words: which targets, the webhook's address, a digest
   * of its secrets (never the secrets), the docs site's address. Not the folder's path: nodes may
   * mount one shared folder at different paths.
   */
  static String describe(PublishSettings settings) {
    StringBuilder text = new StringBuilder();
    text.append("folder ").append(settings.folder().isPresent() ? "on" : "off");
    text.append(", webhook ")
        .append(settings.webhookUrl().map(SettingsCheck::address).orElse("off"));
    if (settings.webhookUrl().isPresent()) {
      text.append(" (secrets ")
          .append(digest(String.join(",", settings.webhookSecrets())))
          .append(")");
    }
    text.append(", published URL ")
        .append(settings.publishedUrl().map(Object::toString).orElse("none"));
    return text.toString();
  }

  void start() {
    check();
    timer = vertx.setPeriodic(EVERY.toMillis(), id -> check());
  }

  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return board.withdraw(nodeId).otherwiseEmpty();
  }

  /** Says what this node runs with and compares with the others; the differences found. */
  public Future<Set<String>> check() {
    Instant now = clock.instant();
    return board
        .announce(nodeId, description, now)
        .map(entries -> differences(entries, now))
        .onFailure(e -> log.debug("cannot compare publish settings now: {}", e.getMessage()))
        .otherwise(Set.of());
  }

  private Set<String> differences(Map<String, SettingsBoard.Entry> entries, Instant now) {
    Set<String> differing = new HashSet<>();
    entries.forEach(
        (node, entry) -> {
          boolean running = entry.at().isAfter(now.minus(FRESH));
          if (node.equals(nodeId) || !running || entry.description().equals(description)) {
            return;
          }
          differing.add(entry.description());
          if (warned.add(entry.description())) {
            log.warn(
                "publish settings differ between nodes: this node publishes with {}; node {} with"
                    + " {}. The node that closes a meeting queues the jobs of its own targets: give"
                    + " every node the same MINUTES_PUBLISH_FOLDER (on or off), MINUTES_WEBHOOK_URL,"
                    + " MINUTES_WEBHOOK_SECRET and MINUTES_PUBLISHED_URL",
                description,
                node,
                entry.description());
          }
        });
    return differing;
  }

  /** The webhook's scheme, host, port and path: no user or query, which may hold credentials. */
  private static String address(URI url) {
    return url.getScheme()
        + "://"
        + url.getHost()
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  private static String digest(String secrets) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(secrets.getBytes(StandardCharsets.UTF_8));
      return "sha256 " + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
