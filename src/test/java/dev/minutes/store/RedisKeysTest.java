package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

  @Test
  @DisplayName("The default prefix is 'minutes:' and the id is the hash tag")
  void defaultLayout() {
    RedisKeys keys = RedisKeys.withDefaultPrefix();
    assertThat(keys.snapshot("4NMNnkMhL8jXrdJ9jamS58PAVdXu"))
        .isEqualTo("minutes:doc:{4NMNnkMhL8jXrdJ9jamS58PAVdXu}:snapshot");
    assertThat(keys.changesChannel()).isEqualTo("minutes:changes");
  }

  @Test
  @DisplayName(
      "A document's shard channels share its keys' hash tag, so the append script may SPUBLISH on"
          + " its own")
  void documentChannelsShareTheDocumentsSlot() {
    RedisKeys keys = RedisKeys.withDefaultPrefix();
    assertThat(keys.changes("d1")).isEqualTo("minutes:doc:{d1}:changes");
    assertThat(keys.presence("d1")).isEqualTo("minutes:doc:{d1}:presence");
    assertThat(keys.presenceChannel()).isEqualTo("minutes:ephemeral");
  }

  @Test
  @DisplayName(
      "In a cluster every key of the publish queue has the hash tag {publish}; on one server the"
          + " names stay what they were")
  void publishQueueKeys() {
    PublishKeys cluster = PublishKeys.of("minutes:", true);
    assertThat(
            List.of(
                cluster.outbox(),
                cluster.due(),
                cluster.pending(),
                cluster.failed(),
                cluster.job("m1.folder.1"),
                cluster.meeting("m1")))
        .allSatisfy(key -> assertThat(key).startsWith("minutes:{publish}:"));
    PublishKeys single = PublishKeys.of("minutes:", false);
    assertThat(single.outbox()).isEqualTo("minutes:outbox");
    assertThat(single.due()).isEqualTo("minutes:publish:due");
    assertThat(single.job("m1.folder.1")).isEqualTo("minutes:publish:{m1.folder.1}");
    assertThat(single.meeting("m1")).isEqualTo("minutes:publish:meeting:{m1}");
  }

  @Test
  @DisplayName(
      "A meeting's record, close lease and document gate share one hash tag, as do a series' keys,"
          + " so reopening a meeting or adding a call to a series runs in one cluster slot")
  void meetingAndSeriesKeysShareTheirSlot() {
    RedisKeys keys = RedisKeys.withDefaultPrefix();
    assertThat(List.of(keys.meeting("m1"), keys.meetingLease("m1"), keys.gate("m1")))
        .extracting(RedisKeysTest::hashTag)
        .containsOnly("m1");
    assertThat(List.of(keys.series("s1"), keys.seriesMeetings("s1"), keys.seriesStartLease("s1")))
        .extracting(RedisKeysTest::hashTag)
        .containsOnly("s1");
    assertThat(keys.meeting("m1")).isEqualTo("minutes:meeting:{m1}");
    assertThat(keys.series("s1")).isEqualTo("minutes:series:{s1}");
    assertThat(keys.token("ab12")).isEqualTo("minutes:token:ab12");
    assertThat(keys.publicationNames()).isEqualTo("minutes:publication-names");
  }

  @Test
  @DisplayName("Glob characters in the prefix are escaped in the SCAN pattern")
  void prefixPatternEscapesGlobs() {
    assertThat(new RedisKeys("a[b]*?\\:").prefixPattern()).isEqualTo("a\\[b\\]\\*\\?\\\\:*");
    assertThat(new RedisKeys("test:1:").prefixPattern()).isEqualTo("test:1:*");
  }

  @Test
  @DisplayName("Document ids with braces, whitespace or no characters at all are refused")
  void invalidIds() {
    RedisKeys keys = RedisKeys.withDefaultPrefix();
    for (String bad : new String[] {"", "a{b", "a}b", "a b", "a\nb", "x".repeat(257)}) {
      assertThatThrownBy(() -> keys.log(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> keys.log(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("A prefix with braces or whitespace is refused")
  void invalidPrefix() {
    assertThatThrownBy(() -> new RedisKeys("a{b}:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RedisKeys("a b:")).isInstanceOf(IllegalArgumentException.class);
  }

  /** What Redis Cluster hashes: the text between the first '{' and the next '}'. */
  private static String hashTag(String key) {
    int open = key.indexOf('{');
    return key.substring(open + 1, key.indexOf('}', open));
  }
}
