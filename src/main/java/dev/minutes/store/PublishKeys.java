package dev.minutes.store;

/**
 * Where the publish queue lives (see {@link PublishOutbox}). Its scripts touch several of these
 * keys at once, so in a Redis Cluster they share the hash tag {@code {publish}} and thus one slot.
 * On a single server (or a Sentinel-watched one) they keep the names they have always had, so an
 * existing deployment's queue stays where it is.
 *
 * <p>Job and meeting-index keys are built inside the scripts from a prefix and a suffix around the
 * id ({@link #jobPrefix()} + id + {@link #jobSuffix()}).
 */
record PublishKeys(
    String outbox,
    String due,
    String pending,
    String failed,
    String jobPrefix,
    String jobSuffix,
    String meetingPrefix,
    String meetingSuffix) {

  static PublishKeys of(String prefix, boolean clustered) {
    if (clustered) {
      String tagged = prefix + "{publish}:";
      return new PublishKeys(
          tagged + "outbox",
          tagged + "due",
          tagged + "pending",
          tagged + "failed",
          tagged + "job:",
          "",
          tagged + "meeting:",
          "");
    }
    return new PublishKeys(
        prefix + "outbox",
        prefix + "publish:due",
        prefix + "publish:pending",
        prefix + "publish:failed",
        prefix + "publish:{",
        "}",
        prefix + "publish:meeting:{",
        "}");
  }

  /** The hash of one job. */
  String job(String jobId) {
    return jobPrefix + jobId + jobSuffix;
  }

  /** The set of one meeting's job ids. */
  String meeting(String meetingId) {
    return meetingPrefix + meetingId + meetingSuffix;
  }
}
