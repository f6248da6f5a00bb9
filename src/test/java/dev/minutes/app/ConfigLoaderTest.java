package dev.minutes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.store.RedisCredentials;
import dev.minutes.store.RedisTls;
import dev.minutes.store.RedisTopology;
import dev.minutes.sync.SizeLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The configuration loader")
class ConfigLoaderTest {

  @Test
  @DisplayName(
      "the contract's defaults (§4, §6): 127.0.0.1:8080, ./data, 200,000 characters and changes, no Redis URL")
  void contractDefaults() {
    MinutesConfig config = ConfigLoader.load(Map.of());

    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.sizeLimits()).isEqualTo(new SizeLimits(200_000, 200_000));
    assertThat(config.redis()).as("unset: the embedded Redis").isEmpty();
    assertThat(config.webhookSecrets()).isEmpty();
  }

  @Test
  @DisplayName("batches sync messages for 20 ms by default; 0 turns batching off")
  void syncBatchWindow() {
    assertThat(ConfigLoader.load(Map.of()).syncBatchWindow()).isEqualTo(Duration.ofMillis(20));
    assertThat(ConfigLoader.load(Map.of("MINUTES_SYNC_BATCH_MS", "0")).syncBatchWindow()).isZero();
  }

  @Test
  @DisplayName(
      "pings sync sockets every 30 s by default; 0 turns pings off; a negative interval is refused by name")
  void syncPingInterval() {
    assertThat(ConfigLoader.load(Map.of()).syncPingInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigLoader.load(Map.of("MINUTES_SYNC_PING_MS", "0")).syncPingInterval()).isZero();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("MINUTES_SYNC_PING_MS", "-1")))
        .hasMessageContaining("MINUTES_SYNC_PING_MS");
  }

  @Test
  @DisplayName(
      "a webhook secret is whsec_ and base64 of any length, as the contract asks; other forms are refused, naming the variable")
  void webhookSecrets() {
    Map<String, String> shortSecret =
        Map.of(
            "MINUTES_WEBHOOK_URL", "http://127.0.0.1:9/hook",
            "MINUTES_WEBHOOK_SECRET", "whsec_c2VjcmV0");
    assertThat(ConfigLoader.load(shortSecret).webhookSecrets()).containsExactly("whsec_c2VjcmV0");
    for (String bad : List.of("c2VjcmV0", "whsec_", "whsec_not base64!")) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      Map.of(
                          "MINUTES_WEBHOOK_URL",
                          "http://127.0.0.1:9/hook",
                          "MINUTES_WEBHOOK_SECRET",
                          bad)))
          .as(bad)
          .isInstanceOf(ConfigLoader.ConfigException.class)
          .hasMessageContaining("MINUTES_WEBHOOK_SECRET");
    }
  }

  @Test
  @DisplayName(
      "takes Redis credentials for Sentinels and Cluster nodes; refuses them where nothing would use"
          + " them, naming the setting")
  void redisCredentials() {
    RedisTopology.Sentinel sentinel =
        (RedisTopology.Sentinel)
            ConfigLoader.load(
                    Map.of(
                        "REDIS_SENTINELS", "10.0.0.1:26379",
                        "REDIS_SENTINEL_MASTER", "minutes",
                        "REDIS_USERNAME", "minutes",
                        "REDIS_PASSWORD", "s3cret",
                        "REDIS_SENTINEL_USERNAME", "watcher",
                        "REDIS_SENTINEL_PASSWORD", "other"))
                .redis()
                .orElseThrow();
    assertThat(sentinel.credentials())
        .isEqualTo(new RedisCredentials("minutes", "s3cret", "watcher", "other"))
        .asString()
        .doesNotContain("s3cret")
        .doesNotContain("other");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_URL", "redis://10.0.0.1:6379", "REDIS_PASSWORD", "s3cret")))
        .hasMessageStartingWith("REDIS_PASSWORD ")
        .hasMessageContaining("REDIS_URL");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_USERNAME", "minutes")))
        .hasMessageStartingWith("REDIS_USERNAME ");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000", "REDIS_USERNAME", "minutes")))
        .hasMessageStartingWith("REDIS_USERNAME needs REDIS_PASSWORD");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000", "REDIS_SENTINEL_PASSWORD", "x")))
        .hasMessageStartingWith("REDIS_SENTINEL_PASSWORD ");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_SENTINELS", "10.0.0.1:26379",
                        "REDIS_SENTINEL_MASTER", "minutes",
                        "REDIS_SENTINEL_PASSWORD", "x")))
        .hasMessageStartingWith("REDIS_SENTINEL_PASSWORD needs REDIS_PASSWORD");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_SENTINELS", "10.0.0.1:26379",
                        "REDIS_SENTINEL_MASTER", "minutes",
                        "REDIS_PASSWORD", "s3cret",
                        "REDIS_SENTINEL_USERNAME", "watcher")))
        .hasMessageStartingWith("REDIS_SENTINEL_USERNAME needs REDIS_SENTINEL_PASSWORD");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000", "REDIS_SENTINEL_USERNAME", "x")))
        .hasMessageStartingWith("REDIS_SENTINEL_USERNAME is only used with REDIS_SENTINELS");
  }

  @Test
  @DisplayName(
      "REDIS_TLS only for Sentinels and Cluster nodes, REDIS_TLS_CA only over TLS and only a file"
          + " of certificates, each refusal naming the setting")
  void redisTls(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate");
    Map<String, String> cluster = Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000");
    assertThat(ConfigLoader.load(with(cluster, "REDIS_TLS", "true")).redis().orElseThrow().tls())
        .isEqualTo(new RedisTls(true, null));
    assertThatThrownBy(() -> ConfigLoader.load(with(cluster, "REDIS_TLS", "yes")))
        .hasMessageStartingWith("REDIS_TLS must be true or false");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_URL", "redis://10.0.0.1:6379", "REDIS_TLS", "true")))
        .hasMessageStartingWith("REDIS_TLS ")
        .hasMessageContaining("rediss://");
    assertThatThrownBy(
            () -> ConfigLoader.load(with(cluster, "REDIS_TLS_CA", dir.resolve("x.crt").toString())))
        .hasMessageStartingWith("REDIS_TLS_CA is only used over TLS");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_URL",
                        "rediss://10.0.0.1:6379",
                        "REDIS_TLS_CA",
                        dir.resolve("missing.crt").toString())))
        .hasMessageStartingWith("REDIS_TLS_CA ")
        .hasMessageEndingWith("missing.crt does not exist");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_URL", "rediss://10.0.0.1:6379", "REDIS_TLS_CA", notPem.toString())))
        .hasMessageStartingWith("REDIS_TLS_CA ")
        .hasMessageContaining("is not a PEM certificate");
  }

  private static Map<String, String> with(Map<String, String> base, String name, String value) {
    Map<String, String> all = new java.util.HashMap<>(base);
    all.put(name, value);
    return all;
  }

  @Test
  @DisplayName("refuses a trusted proxy that is neither an address nor a range, naming both")
  void refusesTrustedProxyName() {
    assertThat(ConfigLoader.load(Map.of()).trustedProxies().trusts("127.0.0.1")).isFalse();
    assertThat(
            ConfigLoader.load(Map.of("MINUTES_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"))
                .trustedProxies()
                .trusts("10.20.30.40"))
        .isTrue();
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("MINUTES_TRUSTED_PROXIES", "10.0.0.0/8,balancer")))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageStartingWith("MINUTES_TRUSTED_PROXIES ")
        .hasMessageContaining("'balancer'");
  }

  @Test
  @DisplayName("refuses a batch window above a second, naming the variable")
  void refusesLongBatchWindow() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("MINUTES_SYNC_BATCH_MS", "5000")))
        .hasMessageContaining("MINUTES_SYNC_BATCH_MS");
  }

  @Test
  @DisplayName("takes MINUTES_PUBLISHED_URL with {permalink} and {path}; unset means no links")
  void publishedUrl() {
    assertThat(ConfigLoader.load(Map.of()).publishedUrl()).isEmpty();
    assertThat(
            ConfigLoader.load(
                    Map.of("MINUTES_PUBLISHED_URL", "https://example.org/weekly/{permalink}"))
                .publishedUrl())
        .contains("https://example.org/weekly/{permalink}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "https://example.org/weekly/",
        "ftp://example.org/{path}",
        "https://example.org/{slug}",
        "/weekly/{permalink}",
        "https://exa mple.org/{path}"
      })
  @DisplayName("refuses a MINUTES_PUBLISHED_URL that cannot make links, naming the variable")
  void refusesPublishedUrl(String template) {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("MINUTES_PUBLISHED_URL", template)))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageStartingWith("MINUTES_PUBLISHED_URL ");
  }

  @Test
  @DisplayName(
      "REDIS_SENTINELS with REDIS_SENTINEL_MASTER is a Sentinel topology; REDIS_CLUSTER_NODES a"
          + " cluster; hosts, ports and IPv6 brackets are read as written")
  void redisTopologies() {
    MinutesConfig sentinel =
        ConfigLoader.load(
            Map.of(
                "REDIS_SENTINELS", "s1:26379, s2:26380,[::1]:26381",
                "REDIS_SENTINEL_MASTER", "minutes",
                "MINUTES_REDIS_MIN_REPLICAS", "1"));
    assertThat(sentinel.redis())
        .contains(
            new RedisTopology.Sentinel(
                List.of(
                    new RedisTopology.Address("s1", 26379),
                    new RedisTopology.Address("s2", 26380),
                    new RedisTopology.Address("::1", 26381)),
                "minutes"));
    assertThat(sentinel.redisMinReplicas()).isEqualTo(1);
    assertThat(ConfigLoader.load(Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000")).redis())
        .contains(new RedisTopology.Cluster(List.of(new RedisTopology.Address("10.0.0.1", 7000))));
    assertThat(ConfigLoader.load(Map.of()).redis()).isEmpty();
    assertThat(ConfigLoader.load(Map.of()).redisMinReplicas()).isZero();
  }

  @Test
  @DisplayName(
      "REDIS_SENTINELS without REDIS_SENTINEL_MASTER is refused, naming the master setting")
  void sentinelsWithoutMaster() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_SENTINELS", "s1:26379")))
        .isInstanceOfSatisfying(
            ConfigLoader.ConfigException.class,
            e -> assertThat(e.variable()).isEqualTo("REDIS_SENTINEL_MASTER"))
        .hasMessageContaining("REDIS_SENTINELS");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_SENTINEL_MASTER", "minutes")))
        .hasMessageStartingWith("REDIS_SENTINEL_MASTER");
  }

  @Test
  @DisplayName(
      "two of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES at once are refused by name")
  void twoTopologies() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_URL", "redis://r:6379",
                        "REDIS_CLUSTER_NODES", "c1:7000")))
        .hasMessageStartingWith("REDIS_CLUSTER_NODES cannot be combined with REDIS_URL");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "REDIS_SENTINELS", "s1:26379",
                        "REDIS_SENTINEL_MASTER", "m",
                        "REDIS_CLUSTER_NODES", "c1:7000")))
        .hasMessageStartingWith("REDIS_CLUSTER_NODES cannot be combined with REDIS_SENTINELS");
  }

  @Test
  @DisplayName("a malformed host:port list is refused, naming the variable and the bad entry")
  void malformedAddressLists() {
    for (String bad :
        List.of("s1", "s1:", ":26379", "s1:0", "s1:70000", "s1:26379,,s2:1", "redis://s1:1")) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      Map.of("REDIS_SENTINELS", bad, "REDIS_SENTINEL_MASTER", "minutes")))
          .as(bad)
          .hasMessageStartingWith("REDIS_SENTINELS must be host:port");
    }
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_CLUSTER_NODES", "c1:7000 c2:7001")))
        .hasMessageContaining("REDIS_CLUSTER_NODES")
        .hasMessageContaining("'c1:7000 c2:7001'");
  }

  @Test
  @DisplayName(
      "MINUTES_REDIS_MIN_REPLICAS above 0 without a replicated Redis, or negative, is refused by name")
  void minReplicasNeedsReplicas() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("MINUTES_REDIS_MIN_REPLICAS", "1")))
        .hasMessageStartingWith("MINUTES_REDIS_MIN_REPLICAS needs a replicated Redis");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("REDIS_URL", "redis://r:6379", "MINUTES_REDIS_MIN_REPLICAS", "-1")))
        .hasMessageStartingWith("MINUTES_REDIS_MIN_REPLICAS");
  }
}
