package dev.minutes.publish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The publish side as the meetings module sees it: which jobs a close enqueues (in the same atomic
 * step as the close itself) and how far each meeting's delivery got.
 */
public interface Publisher {
  /**
   * One serialized job per configured target, to be added to the outbox atomically with the close.
   */
  List<String> jobsFor(Publication publication);

  /**
   * Delivery state per target for a meeting (docs/contract.md §3 {@code publish}); empty before
   * close.
   */
  Future<List<JsonObject>> status(String meetingId);
}
