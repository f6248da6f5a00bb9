package dev.minutes.support;

import dev.minutes.publish.PublishEvents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Follows the publish outcomes that the nodes of a test's Vert.x announce on {@link
 * PublishEvents#ADDRESS}, so tests wait for "delivered" or "failed" instead of sleeping. Create it
 * before the action whose outcome it should see.
 */
public final class PublishProbe implements AutoCloseable {
  private record Waiter(Predicate<JsonObject> condition, Promise<JsonObject> promise) {}

  private final MessageConsumer<JsonObject> consumer;
  private final List<JsonObject> events = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  public PublishProbe(Vertx vertx) {
    consumer = vertx.eventBus().consumer(PublishEvents.ADDRESS, message -> onEvent(message.body()));
  }

  /**
   * Completes with the first outcome (seen before or after this call) that satisfies {@code
   * condition}.
   */
  public synchronized Future<JsonObject> first(Predicate<JsonObject> condition) {
    for (JsonObject event : events) {
      if (condition.test(event)) {
        return Future.succeededFuture(event);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(condition, promise));
    return promise.future();
  }

  /**
   * The first outcome {@code outcome} ("delivered", "retry", "failed") of a meeting's job for
   * {@code target}.
   */
  public Future<JsonObject> outcome(String meetingId, String target, String outcome) {
    return first(
        e ->
            meetingId.equals(e.getString("meetingId"))
                && target.equals(e.getString("target"))
                && outcome.equals(e.getString("outcome")));
  }

  public synchronized List<JsonObject> events() {
    return List.copyOf(events);
  }

  private synchronized void onEvent(JsonObject event) {
    events.add(event);
    List<Waiter> ready = waiters.stream().filter(w -> w.condition().test(event)).toList();
    waiters.removeAll(ready);
    ready.forEach(w -> w.promise().complete(event));
  }

  @Override
  public void close() {
    consumer.unregister();
  }
}
