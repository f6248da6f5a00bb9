package dev.minutes.publish;

import io.vertx.core.Future;

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
   * Identity of this configuration of the target (name and a hash of its address): what a 410
   * disables.
   */
  String key();

  /** Where a publication with this file name goes, for people: never a secret. */
  String location(String fileName);

  /** One attempt. Runs on the caller's context; blocking work goes to a worker thread. */
  Future<DeliveryResult> deliver(PublishJob job);
}
