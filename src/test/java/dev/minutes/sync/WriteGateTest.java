package dev.minutes.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The write gate as a session sees it, with a store whose answers the test gives by hand: what
 * waits while the meeting is believed closed, and where it goes for each answer.
 */
class WriteGateTest {
  private static final long INTERVAL_MS = 1_000;

  private Vertx vertx;
  private Context context;

  /** The store's reads not answered yet, oldest first. */
  private final BlockingQueue<Promise<Boolean>> reads = new LinkedBlockingQueue<>();

  /** The gate's clock (nanoseconds): it moves only when a test moves it. */
  private final AtomicLong now = new AtomicLong();

  /** What the gate did with what waited: "retry [a, b]", "refuse [a]", "found open". */
  private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("changes that wait while the gate is closed are refused together after one read")
  void closedGateRefuses() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    assertThat(on(() -> gate.mustWait(true))).isTrue();
    assertThat(on(() -> gate.mustWait(false))).as("a message without changes goes on").isFalse();
    on(() -> gate.hold("a") && gate.hold("b"));

    nextRead().complete(true);

    assertThat(nextOutcome()).isEqualTo("refuse [a, b]");
    assertThat(reads).as("one read for both").isEmpty();
    assertThat(on(gate::closed)).isTrue();
  }

  @Test
  @DisplayName(
      "an open gate without a reopen notice takes what waited, in order, and what comes next")
  void openGateWithoutNotice() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a") && gate.hold("b"));

    nextRead().complete(false);

    assertThat(nextOutcome()).isEqualTo("found open");
    assertThat(nextOutcome()).isEqualTo("retry [a, b]");
    assertThat(on(gate::closed)).isFalse();
    assertThat(on(() -> gate.mustWait(true))).isFalse();
  }

  @Test
  @DisplayName("a gate that cannot be read counts as closed")
  void unreadableGate() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a"));

    nextRead().fail(new IllegalStateException("Redis is away"));

    assertThat(nextOutcome()).isEqualTo("refuse [a]");
    assertThat(on(gate::closed)).isTrue();
  }

  @Test
  @DisplayName("an answer that a reopening and a new close overtook is asked again, not believed")
  void overtakenAnswer() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a"));
    Promise<Boolean> asked = nextRead();
    on(
        () -> {
          gate.reopen();
          gate.close();
          return true;
        });

    // The store said "open" before the new close: that says nothing about now.
    asked.complete(false);

    assertThat(nextOutcome()).isEqualTo("retry [a]");
    assertThat(on(gate::closed)).isTrue();
    assertThat(outcomes).as("not taken as a reopening").isEmpty();
  }

  @Test
  @DisplayName("changes keep their order behind those that wait when a reopening comes meanwhile")
  void orderPastReopening() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a"));
    on(
        () -> {
          gate.reopen();
          return true;
        });
    assertThat(on(() -> gate.mustWait(true))).as("behind the one that waits").isTrue();
    on(() -> gate.hold("b"));

    nextRead().complete(false);

    assertThat(nextOutcome()).isEqualTo("retry [a, b]");
    assertThat(on(() -> gate.mustWait(true))).isFalse();
  }

  @Test
  @DisplayName("the gate is read at most once per interval; the next read comes after it")
  void readsOncePerInterval() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a"));
    nextRead().complete(true);
    assertThat(nextOutcome()).isEqualTo("refuse [a]");

    on(() -> gate.hold("b"));
    assertThat(reads).as("not at once after the last read").isEmpty();
    nextRead().complete(true); // after the interval, on the timer
    assertThat(nextOutcome()).isEqualTo("refuse [b]");

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS));
    on(() -> gate.hold("c"));
    assertThat(reads).as("an interval after the last read: at once").hasSize(1);
  }

  @Test
  @DisplayName("past the limit of waiting changes the next one is refused at once")
  void limitOfWaiting() throws Exception {
    WriteGate<String> gate = gate(true, 2);
    assertThat(on(() -> gate.hold("a"))).isTrue();
    assertThat(on(() -> gate.hold("b"))).isTrue();
    assertThat(on(() -> gate.hold("c"))).isFalse();

    nextRead().complete(true);
    assertThat(nextOutcome()).isEqualTo("refuse [a, b]");
  }

  @Test
  @DisplayName("a stopped gate reads nothing more and hands nothing back")
  void stopped() throws Exception {
    WriteGate<String> gate = gate(true, 10);
    on(() -> gate.hold("a"));
    nextRead().complete(true);
    assertThat(nextOutcome()).isEqualTo("refuse [a]");
    on(() -> gate.hold("b")); // its read waits for the interval
    on(
        () -> {
          gate.stop();
          return true;
        });

    assertThat(reads.poll(INTERVAL_MS * 2, TimeUnit.MILLISECONDS)).isNull();
    assertThat(outcomes).isEmpty();
  }

  private WriteGate<String> gate(boolean closed, int maxWaiting) throws Exception {
    Supplier<Future<Boolean>> readStore =
        () -> {
          Promise<Boolean> answer = Promise.promise();
          reads.add(answer);
          return answer.future();
        };
    WriteGate.Outcome<String> outcome =
        new WriteGate.Outcome<>() {
          @Override
          public void retry(List<String> waited) {
            outcomes.add("retry " + waited);
          }

          @Override
          public void refuse(List<String> waited) {
            outcomes.add("refuse " + waited);
          }

          @Override
          public void foundOpen() {
            outcomes.add("found open");
          }
        };
    return on(
        () ->
            new WriteGate<>(
                "doc-1",
                vertx,
                context,
                readStore,
                INTERVAL_MS,
                maxWaiting,
                closed,
                outcome,
                now::get));
  }

  /** Runs {@code action} on the gate's context, as the session does, and returns its result. */
  private <R> R on(Supplier<R> action) throws Exception {
    CompletableFuture<R> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(action.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  private Promise<Boolean> nextRead() throws InterruptedException {
    Promise<Boolean> read = reads.poll(INTERVAL_MS * 5, TimeUnit.MILLISECONDS);
    assertThat(read).as("the gate was read").isNotNull();
    return read;
  }

  private String nextOutcome() throws InterruptedException {
    String outcome = outcomes.poll(10, TimeUnit.SECONDS);
    assertThat(outcome).as("the gate handed back what waited").isNotNull();
    return outcome;
  }
}
