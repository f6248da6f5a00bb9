package dev.minutes.sync;

import java.time.Duration;

/**
 * Tuning of document sessions.
 *
 * @param idle how long a document stays loaded after its last peer left
 * @param compactAfter log entries after which the session folds the log into a new snapshot
 */
public record SessionSettings(Duration idle, int compactAfter) {}
