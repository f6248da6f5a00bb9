package dev.minutes.publish;

import dev.minutes.app.MinutesConfig;
import dev.minutes.store.RedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Wiring of the publish side: the outbox, its targets and the delivery worker. */
public final class PublishModule {
  private final Publisher publisher;

  private PublishModule(Publisher publisher) {
    this.publisher = publisher;
  }

  public static PublishModule create(Vertx vertx, MinutesConfig config, RedisConnection redis, MeterRegistry registry) {
    return new PublishModule(new Publisher() {
      @Override
      public List<String> jobsFor(Publication publication) {
        return List.of();
      }

      @Override
      public Future<List<JsonObject>> status(String meetingId) {
        return Future.succeededFuture(List.of());
      }
    });
  }

  public Publisher publisher() {
    return publisher;
  }

  public Future<Void> start() {
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
