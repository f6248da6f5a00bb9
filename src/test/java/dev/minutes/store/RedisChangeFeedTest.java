package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisChangeFeedTest {

  @Test
  @DisplayName("An announcement payload '<id> <seq>' parses into id and sequence number")
  void parsesPayload() {
    assertThat(RedisChangeFeed.parse(payload("4NMNnkMhL8jXrdJ9jamS58PAVdXu 42")))
        .contains(new Announcement("4NMNnkMhL8jXrdJ9jamS58PAVdXu", 42));
  }

  @Test
  @DisplayName("Malformed payloads are skipped instead of breaking the feed")
  void skipsMalformed() {
    for (String bad : new String[] {"", "doc", "doc ", " 5", "doc five"}) {
      assertThat(RedisChangeFeed.parse(payload(bad))).as(bad).isEmpty();
    }
  }

  private static byte[] payload(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
