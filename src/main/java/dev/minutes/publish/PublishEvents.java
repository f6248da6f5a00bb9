package dev.minutes.publish;

/**
 * The local event-bus address on which a node announces each recorded attempt outcome, as a JSON
 * object: {@code jobId}, {@code meetingId}, {@code target}, {@code outcome} ({@code delivered},
 * {@code retry} or {@code failed}), {@code attempts}, {@code detail}. Published after the outcome
 * is stored in Redis, so a listener reading the publish state sees it. Nothing in the node depends
 * on it; it lets tests and tools follow deliveries without polling.
 */
public final class PublishEvents {
  public static final String ADDRESS = "minutes.publish.outcome";

  private PublishEvents() {}
}
