package dev.minutes.sync;

import java.time.Duration;

/**
 * Tuning of document sessions.
 *
 * @param idle how long a document stays loaded after its last peer left
 * @param compactAfter log entries after which the session folds the log into a new snapshot
 * @param presencePerSecond presence messages a session forwards per second (bursts of twice pass);
 *     beyond that presence is dropped, so a flood of it cannot crowd out the document's sync traffic
 */
public record SessionSettings(Duration idle, int compactAfter, int presencePerSecond) {
  public static final int DEFAULT_PRESENCE_PER_SECOND = 100;

  public SessionSettings(Duration idle, int compactAfter) {
    this(idle, compactAfter, DEFAULT_PRESENCE_PER_SECOND);
  }
}
