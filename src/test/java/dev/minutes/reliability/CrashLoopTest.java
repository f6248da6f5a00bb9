package dev.minutes.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.reliability.CrashLoop.Result;
import dev.minutes.reliability.CrashLoop.Settings;
import dev.minutes.reliability.CrashLoop.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short crash loop (a few cycles); the long one (100 cycles) is {@code scripts/crash-loop.sh},
 * its result quoted in docs/reliability.md.
 */
@DisplayName("Crash loop: no acknowledged edit is lost")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashLoopTest {

  @Test
  @DisplayName(
      "typists keep every acknowledged token while the server is SIGKILLed and restarted 3 times")
  void serverKilled() throws Exception {
    Result result = CrashLoop.run(Settings.of(Target.SERVER, 3, 20240601L));

    System.out.println(result.summary());
    assertThat(result.cycles()).isEqualTo(3);
    assertThat(result.acknowledged()).isGreaterThan(3L * 3);
    assertThat(result.lostTokens()).isEmpty();
  }

  @Test
  @DisplayName(
      "typists keep every acknowledged token while Redis (AOF, fsync always) is SIGKILLed and restarted 3 times")
  void redisKilled() throws Exception {
    Result result = CrashLoop.run(Settings.of(Target.REDIS, 3, 20240602L));

    System.out.println(result.summary());
    assertThat(result.cycles()).isEqualTo(3);
    assertThat(result.acknowledged()).isGreaterThan(3L * 3);
    assertThat(result.lostTokens()).isEmpty();
  }

  @Test
  @DisplayName(
      "typists keep every acknowledged token while the primary of a Sentinel-watched Redis is"
          + " SIGKILLed 3 times (MINUTES_REDIS_MIN_REPLICAS=1, the replica promoted each time)")
  void sentinelPrimaryKilled() throws Exception {
    Result result = CrashLoop.run(Settings.of(Target.SENTINEL, 3, 20240603L));

    System.out.println(result.summary());
    assertThat(result.cycles()).isEqualTo(3);
    assertThat(result.acknowledged()).isGreaterThan(3L * 3);
    assertThat(result.lostTokens()).isEmpty();
  }
}
