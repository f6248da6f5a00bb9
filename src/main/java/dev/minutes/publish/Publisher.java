package dev.minutes.publish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The publish side as the meetings module sees it: which file names are held already, which jobs a
 * close enqueues (right before it marks the meeting closed) and how far each meeting's delivery
 * got.
 */
public interface Publisher {
  /**
   * One serialized job per configured target, to be added to the outbox before the meeting is
   * marked closed (a close run again after a crash adds the same job ids, which the outbox knows).
   */
  List<String> jobsFor(Publication publication);

  /**
   * File names ({@code <stem>.md}, {@code <stem>-2.md}…) that a target already holds, written by
   * anyone: a first publication takes none of them.
   */
  Future<Set<String>> filesTaken(String stem);

  /**
   * Delivery state per target of the meeting's publication {@code revision}, its latest close
   * (docs/contract.md §3 {@code publish}); empty for revision 0, a meeting never closed.
   */
  Future<List<JsonObject>> status(String meetingId, int revision);

  /**
   * The docs site's address ({@code MINUTES_PUBLISHED_URL}'s scheme and host), against which the
   * minutes' site-relative links resolve; empty when not configured.
   */
  Optional<String> site();
}
