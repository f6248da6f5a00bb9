package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RedisEphemeralBusTest {
  private static final int FRAMES = 3_000;

  @Test
  @DisplayName(
      "Frames one node publishes back to back reach another node in the order they were published"
          + " (receivers drop a presence message older than one already seen)")
  void framesArriveInPublishOrder(Vertx vertx) throws Exception {
    String prefix = RedisHarness.newPrefix();
    RedisConnection sending = RedisHarness.connect(vertx, prefix).await(30, TimeUnit.SECONDS);
    RedisConnection receiving = RedisHarness.connect(vertx, prefix).await(30, TimeUnit.SECONDS);
    RedisEphemeralBus sender = new RedisEphemeralBus(sending);
    RedisEphemeralBus receiver = new RedisEphemeralBus(receiving);
    List<Integer> received = new ArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    try {
      receiver
          .start(
              frame -> {
                received.add(ByteBuffer.wrap(frame).getInt());
                if (received.size() == FRAMES) {
                  all.complete(null);
                }
              })
          .await(30, TimeUnit.SECONDS);
      for (int i = 0; i < FRAMES; i++) {
        sender.publish("doc", ByteBuffer.allocate(4).putInt(i).array());
      }
      all.get(30, TimeUnit.SECONDS);
      assertThat(received).isSorted().doesNotHaveDuplicates();
    } finally {
      receiver.stop().await(30, TimeUnit.SECONDS);
      sending.close().await(30, TimeUnit.SECONDS);
      receiving.close().await(30, TimeUnit.SECONDS);
    }
  }
}
