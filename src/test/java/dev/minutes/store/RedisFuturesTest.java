package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;

@DisplayName("Redisson's failures as the store reports them")
class RedisFuturesTest {
  /** What Redisson 3.52 reports for an EVAL while Redis refuses connections (seen in a run). */
  private static RedisException refusedEval() {
    return new RedisException(
        "Unexpected exception while processing command\n"
            + "local seq = redis.call('INCR', KEYS[2])\n"
            + "redis.call('RPUSH', KEYS[1], ARGV[1])\n"
            + "return seq",
        new ConnectException("Connection refused: /127.0.0.1:6379"));
  }

  @Test
  @DisplayName(
      "a refused connection under Redisson's plain RedisException is an outage, said in one line")
  void wrappedRefusalIsAnOutage() {
    Throwable translated =
        RedisFutures.translate(new CompletionException(refusedEval()), "append of doc-1");

    assertThat(translated).isInstanceOf(StoreException.class);
    StoreException outage = (StoreException) translated;
    assertThat(outage.reason()).isEqualTo(StoreException.Reason.UNAVAILABLE);
    assertThat(outage.getMessage())
        .isEqualTo(
            "Redis unavailable during append of doc-1: ConnectException: Connection refused:"
                + " /127.0.0.1:6379")
        .doesNotContain("redis.call");
  }

  @Test
  @DisplayName("a Lua error is a bug, not an outage: it goes on unchanged")
  void scriptErrorIsNotAnOutage() {
    RedisException scriptError =
        new RedisException("ERR user_script:1: attempt to call a nil value");

    assertThat(RedisFutures.translate(scriptError, "append")).isSameAs(scriptError);
  }

  @Test
  @DisplayName("a long first line is cut short")
  void longMessagesAreCut() {
    String brief =
        RedisFutures.brief(new ConnectException("refused " + "x".repeat(500) + "\nsecond line"));

    assertThat(brief).startsWith("ConnectException: refused xxx").endsWith("…").hasSize(179);
  }
}
