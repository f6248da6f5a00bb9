package dev.minutes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The configuration loader")
class ConfigLoaderTest {

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
}
