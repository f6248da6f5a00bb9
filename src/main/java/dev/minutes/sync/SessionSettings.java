package dev.minutes.sync;

import java.time.Duration;

/**
 * Tuning of document sessions.
 *
 * @param idle how long a document stays loaded after its last peer left
 * @param compactAfter log entries after which the session folds the log into a new snapshot
 * @param presencePerSecond presence messages a session forwards per second (bursts of twice pass);
 *     beyond that presence is dropped, so a flood of it cannot crowd out the document's sync
 *     traffic
 * @param batchWindow shortest time between two messages to one steady peer: changes that arrive
 *     meanwhile go out together (zero sends each cycle's changes at once)
 * @param limits how large one document may grow
 */
public record SessionSettings(
    Duration idle,
    int compactAfter,
    int presencePerSecond,
    Duration batchWindow,
    SizeLimits limits) {
  public static final int DEFAULT_PRESENCE_PER_SECOND = 100;
  public static final Duration DEFAULT_BATCH_WINDOW = Duration.ofMillis(20);

  public SessionSettings(Duration idle, int compactAfter) {
    this(idle, compactAfter, DEFAULT_PRESENCE_PER_SECOND, DEFAULT_BATCH_WINDOW, SizeLimits.DEFAULT);
  }
}
