package dev.minutes.app;

import dev.minutes.http.TrustedProxies;
import dev.minutes.publish.PublishSettings;
import dev.minutes.publish.PublishedUrl;
import dev.minutes.publish.WebhookSigner;
import dev.minutes.store.RedisCredentials;
import dev.minutes.store.RedisTls;
import dev.minutes.store.RedisTopology;
import dev.minutes.sync.SizeLimits;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds {@link MinutesConfig} from three layers, later ones winning: built-in defaults, then the
 * optional properties file named by {@code MINUTES_CONFIG_FILE} (keys are the variable names
 * below), then environment variables. Every invalid value fails startup with a message naming the
 * variable. The README's configuration table mirrors {@link #DEFAULTS}.
 */
public final class ConfigLoader {

  /** The settings that name the Redis to use; at most one may be set. */
  private static final List<String> REDIS_TOPOLOGIES =
      List.of("REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES");

  /**
   * The topologies of several Redis servers: their credentials and TLS are settings of their own.
   */
  private static final List<String> REPLICATED_TOPOLOGIES =
      List.of("REDIS_SENTINELS", "REDIS_CLUSTER_NODES");

  /** More replicas than any deployment has; WAIT itself takes any number. */
  private static final int MAX_MIN_REPLICAS = 16;

  /** Every setting with its default ("" = unset); the README's table lists each one. */
  public static final Map<String, String> DEFAULTS = defaults();

  private final Map<String, String> values;

  private ConfigLoader(Map<String, String> values) {
    this.values = values;
  }

  /** Loads from the process environment (and the file it names). */
  public static MinutesConfig fromEnvironment() {
    return load(System.getenv());
  }

  /**
   * Loads from the given variables (and the file they name): defaults, then file, then variables.
   */
  public static MinutesConfig load(Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>(DEFAULTS);
    String file = environment.getOrDefault("MINUTES_CONFIG_FILE", "");
    if (!file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    environment.forEach(
        (key, value) -> {
          if (DEFAULTS.containsKey(key)) {
            merged.put(key, value);
          }
        });
    return new ConfigLoader(merged).build();
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("MINUTES_HTTP_HOST", "127.0.0.1");
    d.put("MINUTES_HTTP_PORT", "8080");
    d.put("MINUTES_DATA_DIR", "./data");
    d.put("REDIS_URL", "");
    d.put("REDIS_SENTINELS", "");
    d.put("REDIS_SENTINEL_MASTER", "");
    d.put("REDIS_CLUSTER_NODES", "");
    d.put("REDIS_USERNAME", "");
    d.put("REDIS_PASSWORD", "");
    d.put("REDIS_SENTINEL_USERNAME", "");
    d.put("REDIS_SENTINEL_PASSWORD", "");
    d.put("REDIS_TLS", "false");
    d.put("REDIS_TLS_CA", "");
    d.put("MINUTES_REDIS_MIN_REPLICAS", "0");
    d.put("MINUTES_REDIS_PREFIX", "minutes:");
    d.put("MINUTES_PUBLIC_URL", "");
    d.put("MINUTES_CREATE_TOKEN", "");
    d.put("MINUTES_OPERATOR_TOKEN", "");
    d.put("MINUTES_ALLOWED_ORIGINS", "");
    d.put("MINUTES_TRUSTED_PROXIES", "");
    d.put("MINUTES_MAX_FRAME_BYTES", "8388608");
    d.put("MINUTES_MAX_MESSAGE_BYTES", "8388608");
    d.put("MINUTES_MAX_HTTP_BODY_BYTES", "1048576");
    d.put("MINUTES_WRITE_QUEUE_BYTES", "4194304");
    d.put("MINUTES_MAX_CONNECTIONS_PER_IP", "200");
    d.put("MINUTES_MAX_DOCUMENTS_PER_CONNECTION", "16");
    d.put("MINUTES_MAX_MESSAGES_PER_SECOND", "200");
    d.put("MINUTES_PRESENCE_PER_SECOND", "100");
    d.put("MINUTES_REQUEST_TIMEOUT_MS", "10000");
    d.put("MINUTES_KEEP_ALIVE_TIMEOUT_MS", "60000");
    d.put("MINUTES_SESSION_IDLE_MS", "30000");
    d.put("MINUTES_COMPACT_AFTER", "500");
    d.put("MINUTES_EARLIER_TEXT_AFTER_MS", "300");
    d.put("MINUTES_SYNC_BATCH_MS", "20");
    d.put("MINUTES_SYNC_PING_MS", "30000");
    d.put("MINUTES_MAX_BODY_CHARS", "200000");
    d.put("MINUTES_MAX_CHANGES", "200000");
    d.put(
        "MINUTES_AUTOMERGE_THREADS",
        String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    d.put("MINUTES_PUBLISH_FOLDER", "");
    d.put("MINUTES_WEBHOOK_URL", "");
    d.put("MINUTES_WEBHOOK_SECRET", "");
    d.put("MINUTES_PUBLISH_RETRY_INITIAL_MS", "1000");
    d.put("MINUTES_PUBLISH_RETRY_MAX_MS", "3600000");
    d.put("MINUTES_PUBLISH_GIVE_UP_MS", String.valueOf(Duration.ofDays(3).toMillis()));
    d.put("MINUTES_WEBHOOK_TIMEOUT_MS", "10000");
    d.put("MINUTES_PUBLISHED_URL", "");
    d.put("MINUTES_CONFIG_FILE", "");
    return Collections.unmodifiableMap(d);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException(
          "MINUTES_CONFIG_FILE", "cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new ConfigException(key, "unknown setting in " + file);
      }
      values.put(key, properties.getProperty(key).trim());
    }
    return values;
  }

  private MinutesConfig build() {
    Path dataDir = Path.of(text("MINUTES_DATA_DIR"));
    Optional<RedisTopology> redis = redisTopology();
    int minReplicas = integer("MINUTES_REDIS_MIN_REPLICAS", 0, MAX_MIN_REPLICAS);
    if (minReplicas > 0 && redis.isEmpty()) {
      throw new ConfigException(
          "MINUTES_REDIS_MIN_REPLICAS",
          "needs a replicated Redis (REDIS_SENTINELS, REDIS_CLUSTER_NODES or REDIS_URL); the"
              + " embedded Redis has no replicas");
    }
    Optional<URI> webhookUrl =
        optional("MINUTES_WEBHOOK_URL").map(v -> httpUri("MINUTES_WEBHOOK_URL", v));
    List<String> secrets = list("MINUTES_WEBHOOK_SECRET");
    if (webhookUrl.isPresent() && secrets.isEmpty()) {
      throw new ConfigException(
          "MINUTES_WEBHOOK_SECRET", "is required when MINUTES_WEBHOOK_URL is set");
    }
    if (!secrets.isEmpty()) {
      try {
        new WebhookSigner(secrets); // the signer's own reading of them: whsec_ and base64
      } catch (IllegalArgumentException malformed) {
        throw new ConfigException(
            "MINUTES_WEBHOOK_SECRET",
            malformed.getMessage().replaceFirst("^MINUTES_WEBHOOK_SECRET: ", "")
                + " (each secret must look like whsec_<base64 of the key>)");
      }
    }
    String folder = text("MINUTES_PUBLISH_FOLDER");
    Optional<Path> publishFolder =
        folder.equals("off")
            ? Optional.empty()
            : Optional.of(folder.isEmpty() ? dataDir.resolve("published") : Path.of(folder));
    return new MinutesConfig(
        text("MINUTES_HTTP_HOST"),
        integer("MINUTES_HTTP_PORT", 0, 65535),
        dataDir,
        redis,
        minReplicas,
        text("MINUTES_REDIS_PREFIX"),
        optional("MINUTES_PUBLIC_URL").map(v -> httpUri("MINUTES_PUBLIC_URL", v)),
        optional("MINUTES_CREATE_TOKEN"),
        optional("MINUTES_OPERATOR_TOKEN"),
        list("MINUTES_ALLOWED_ORIGINS"),
        trustedProxies(),
        integer("MINUTES_MAX_FRAME_BYTES", 1024, Integer.MAX_VALUE),
        integer("MINUTES_MAX_MESSAGE_BYTES", 1024, Integer.MAX_VALUE),
        integer("MINUTES_MAX_HTTP_BODY_BYTES", 1024, Integer.MAX_VALUE),
        integer("MINUTES_WRITE_QUEUE_BYTES", 1024, Integer.MAX_VALUE),
        integer("MINUTES_MAX_CONNECTIONS_PER_IP", 1, Integer.MAX_VALUE),
        integer("MINUTES_MAX_DOCUMENTS_PER_CONNECTION", 1, 10_000),
        integer("MINUTES_MAX_MESSAGES_PER_SECOND", 1, 1_000_000),
        integer("MINUTES_PRESENCE_PER_SECOND", 1, 1_000_000),
        millis("MINUTES_REQUEST_TIMEOUT_MS"),
        millis("MINUTES_KEEP_ALIVE_TIMEOUT_MS"),
        millis("MINUTES_SESSION_IDLE_MS"),
        integer("MINUTES_COMPACT_AFTER", 1, Integer.MAX_VALUE),
        Duration.ofMillis(integer("MINUTES_EARLIER_TEXT_AFTER_MS", 0, 60_000)),
        Duration.ofMillis(integer("MINUTES_SYNC_BATCH_MS", 0, 1_000)),
        Duration.ofMillis(integer("MINUTES_SYNC_PING_MS", 0, 3_600_000)),
        new SizeLimits(
            integer("MINUTES_MAX_BODY_CHARS", 1, 100_000_000),
            integer("MINUTES_MAX_CHANGES", 1, 100_000_000)),
        integer("MINUTES_AUTOMERGE_THREADS", 1, 256),
        publishFolder,
        webhookUrl,
        secrets,
        new PublishSettings.RetrySchedule(
            millis("MINUTES_PUBLISH_RETRY_INITIAL_MS"),
            millis("MINUTES_PUBLISH_RETRY_MAX_MS"),
            millis("MINUTES_PUBLISH_GIVE_UP_MS")),
        millis("MINUTES_WEBHOOK_TIMEOUT_MS"),
        optional("MINUTES_PUBLISHED_URL").map(ConfigLoader::publishedUrl));
  }

  private static String publishedUrl(String template) {
    try {
      return PublishedUrl.of(template).toString();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("MINUTES_PUBLISHED_URL", e.getMessage());
    }
  }

  /**
   * The Redis named by exactly one of REDIS_URL, REDIS_SENTINELS (with REDIS_SENTINEL_MASTER) and
   * REDIS_CLUSTER_NODES; empty when none is set (the embedded Redis).
   */
  private Optional<RedisTopology> redisTopology() {
    List<String> set =
        REDIS_TOPOLOGIES.stream().filter(name -> optional(name).isPresent()).toList();
    if (set.size() > 1) {
      throw new ConfigException(
          set.get(1),
          "cannot be combined with "
              + set.get(0)
              + ": set exactly one of "
              + String.join(", ", REDIS_TOPOLOGIES));
    }
    Optional<String> master = optional("REDIS_SENTINEL_MASTER");
    if (master.isPresent() && optional("REDIS_SENTINELS").isEmpty()) {
      throw new ConfigException("REDIS_SENTINEL_MASTER", "is only used with REDIS_SENTINELS");
    }
    String name = set.isEmpty() ? "" : set.get(0);
    RedisCredentials credentials = redisCredentials(name);
    if (name.equals("REDIS_URL")) {
      standalone(text(name), RedisTls.NONE); // the URL's own mistakes first
    }
    RedisTls tls = redisTls(name);
    if (set.isEmpty()) {
      return Optional.empty();
    }
    String value = text(name);
    return Optional.of(
        switch (name) {
          case "REDIS_URL" -> standalone(value, tls);
          case "REDIS_SENTINELS" ->
              new RedisTopology.Sentinel(
                  addresses(name, value),
                  master
                      .map(ConfigLoader::masterName)
                      .orElseThrow(
                          () ->
                              new ConfigException(
                                  "REDIS_SENTINEL_MASTER",
                                  "is required with REDIS_SENTINELS: the name the Sentinels know"
                                      + " the primary by")),
                  credentials,
                  tls);
          default -> new RedisTopology.Cluster(addresses(name, value), credentials, tls);
        });
  }

  /**
   * REDIS_TLS (Sentinels and Cluster nodes over TLS; one server says rediss://) and REDIS_TLS_CA
   * (authorities to trust instead of the JVM's), its file read now so that a bad one fails the
   * start.
   */
  private RedisTls redisTls(String topology) {
    String enabled = text("REDIS_TLS");
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new ConfigException("REDIS_TLS", "must be true or false, got '" + enabled + "'");
    }
    boolean tls = enabled.equals("true");
    if (tls && !REPLICATED_TOPOLOGIES.contains(topology)) {
      throw new ConfigException(
          "REDIS_TLS",
          topology.equals("REDIS_URL")
              ? "is for REDIS_SENTINELS and REDIS_CLUSTER_NODES; one server says rediss:// in"
                  + " REDIS_URL"
              : "is for REDIS_SENTINELS and REDIS_CLUSTER_NODES; the embedded Redis is local");
    }
    Optional<String> ca = optional("REDIS_TLS_CA");
    if (ca.isEmpty()) {
      return new RedisTls(tls, null);
    }
    boolean urlTls = topology.equals("REDIS_URL") && text("REDIS_URL").startsWith("rediss://");
    if (!tls && !urlTls) {
      throw new ConfigException(
          "REDIS_TLS_CA", "is only used over TLS: REDIS_TLS=true, or rediss:// in REDIS_URL");
    }
    RedisTls withCa = new RedisTls(tls, Path.of(ca.get()));
    try {
      withCa.trust();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("REDIS_TLS_CA", e.getMessage());
    }
    return withCa;
  }

  /**
   * REDIS_USERNAME and REDIS_PASSWORD for the servers of a Sentinel or Cluster deployment, and
   * REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD for Sentinels whose credentials differ;
   * refused where they would not be used (one server takes its credentials in REDIS_URL, the
   * embedded Redis needs none).
   */
  private RedisCredentials redisCredentials(String topology) {
    for (String setting : List.of("REDIS_USERNAME", "REDIS_PASSWORD")) {
      if (optional(setting).isPresent() && !REPLICATED_TOPOLOGIES.contains(topology)) {
        throw new ConfigException(
            setting,
            topology.equals("REDIS_URL")
                ? "is for REDIS_SENTINELS and REDIS_CLUSTER_NODES; give one server's credentials in"
                    + " REDIS_URL (redis://user:password@host:port)"
                : "is for REDIS_SENTINELS and REDIS_CLUSTER_NODES; the embedded Redis asks for none");
      }
    }
    if (optional("REDIS_USERNAME").isPresent() && optional("REDIS_PASSWORD").isEmpty()) {
      // Redisson authenticates only with a password: the user name alone would be dropped.
      throw new ConfigException("REDIS_USERNAME", "needs REDIS_PASSWORD, the user's password");
    }
    for (String setting : List.of("REDIS_SENTINEL_USERNAME", "REDIS_SENTINEL_PASSWORD")) {
      if (optional(setting).isPresent() && !topology.equals("REDIS_SENTINELS")) {
        throw new ConfigException(setting, "is only used with REDIS_SENTINELS");
      }
    }
    if (optional("REDIS_SENTINEL_USERNAME").isPresent()
        && optional("REDIS_SENTINEL_PASSWORD").isEmpty()) {
      throw new ConfigException(
          "REDIS_SENTINEL_USERNAME", "needs REDIS_SENTINEL_PASSWORD, the Sentinel user's password");
    }
    if (optional("REDIS_SENTINEL_PASSWORD").isPresent() && optional("REDIS_PASSWORD").isEmpty()) {
      // Redisson sends the Sentinels a password only when the servers have one too.
      throw new ConfigException(
          "REDIS_SENTINEL_PASSWORD",
          "needs REDIS_PASSWORD as well: Sentinels with a password in front of servers without one"
              + " are not supported");
    }
    return new RedisCredentials(
        optional("REDIS_USERNAME").orElse(null),
        secret("REDIS_PASSWORD"),
        optional("REDIS_SENTINEL_USERNAME").orElse(null),
        secret("REDIS_SENTINEL_PASSWORD"));
  }

  private static RedisTopology standalone(String url, RedisTls tls) {
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new ConfigException("REDIS_URL", "must start with redis:// or rediss://");
    }
    try {
      return new RedisTopology.Standalone(url, tls.ca());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("REDIS_URL", "is not usable: " + e.getMessage());
    }
  }

  private static List<RedisTopology.Address> addresses(String name, String value) {
    try {
      return RedisTopology.parseAddresses(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, e.getMessage());
    }
  }

  private TrustedProxies trustedProxies() {
    try {
      return TrustedProxies.parse(list("MINUTES_TRUSTED_PROXIES"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("MINUTES_TRUSTED_PROXIES", e.getMessage());
    }
  }

  private static String masterName(String master) {
    if (master.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("REDIS_SENTINEL_MASTER", "must be one word, got '" + master + "'");
    }
    return master;
  }

  private String text(String name) {
    return values.getOrDefault(name, "").trim();
  }

  /** A password as given, spaces included (trimming would change it); null when unset. */
  private String secret(String name) {
    String value = values.getOrDefault(name, "");
    return value.isBlank() ? null : value;
  }

  private Optional<String> optional(String name) {
    String value = text(name);
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private List<String> list(String name) {
    return Arrays.stream(text(name).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private int integer(String name, int min, int max) {
    String value = text(name);
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw new ConfigException(
            name, "must be between " + min + " and " + max + ", got " + value);
      }
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be an integer, got '" + value + "'");
    }
  }

  private Duration millis(String name) {
    return Duration.ofMillis(integer(name, 1, Integer.MAX_VALUE));
  }

  private static URI httpUri(String name, String value) {
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new ConfigException(name, "must be an http:// or https:// URL, got '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(name, "is not a valid URL: " + e.getMessage());
    }
  }

  /** A setting that cannot be used; the message names the variable. */
  public static final class ConfigException extends RuntimeException {
    private final String variable;

    public ConfigException(String variable, String problem) {
      super(variable + " " + problem, null, false, false);
      this.variable = variable;
    }

    public String variable() {
      return variable;
    }
  }
}
