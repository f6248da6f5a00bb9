package dev.minutes.publish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What an operator may do with publish jobs (the operator routes call these). */
public interface PublishOperations {
  /**
   * Failed jobs, most recent first: {@code jobId, meetingId, target, location, attempts, lastError,
   * failedAt}.
   */
  Future<List<JsonObject>> failedJobs(int limit);

  /** Puts a failed job back in the queue, due now, with a new give-up window. */
  Future<Retry> retry(String jobId);

  /** How a retry request ended. */
  enum Retry {
    REQUEUED,
    UNKNOWN_JOB,
    NOT_FAILED
  }
}
