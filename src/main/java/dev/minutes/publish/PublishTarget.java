package dev.minutes.publish;

import io.vertx.core.Future;
import java.util.Set;

/**
 * One configured place publications go to. A delivery never fails its future: every problem is a
 * {@link DeliveryResult} saying whether to retry. Deliveries of the same job may run again (after a
 * crash, or an operator's retry), so each target makes them idempotent.
 */
public interface PublishTarget {
  /**
   * {@code folder} or {@code webhook}: the {@code target} field of jobs and of the publish state.
   */
  String name();

  /**
   * The names ({@code <stem>.md}, {@code <stem>-2.md}…) of files this target already holds for
   * {@code stem}, whoever wrote them: a close never takes one (docs/contract.md §5). Targets that
   * keep no files hold none.
   */
  default Future<Set<String>> filesNamed(String stem) {
    return Future.succeededFuture(Set.of());
  }

  /** Where a publication with this file name goes, for people: never a secret. */
  String location(String fileName);

  /** One attempt. Runs on the caller's context; blocking work goes to a worker thread. */
  Future<DeliveryResult> deliver(PublishJob job);
}
