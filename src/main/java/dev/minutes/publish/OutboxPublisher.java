package dev.minutes.publish;

import dev.minutes.store.PublishOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The publish side as meetings and operators see it: one outbox job per configured target at close,
 * the delivery state of a meeting's jobs, the dead letters and their re-queueing.
 *
 * <p>Job ids are {@code <meetingId>.<target>.<closedAt epoch ms>} and the webhook id is {@code
 * msg_<meetingId>_<closedAt epoch ms>} (a correction appends its revision: {@code .r2}, {@code
 * _r2}): both name one publication, so they stay the same on every attempt and on every node, and
 * differ from revision to revision.
 */
final class OutboxPublisher implements Publisher, PublishOperations {
  private static final int INGEST_BATCH = 100;

  private final PublishOutbox outbox;
  private final List<PublishTarget> targets;
  private final Clock clock;
  private final Runnable wakeWorker;
  private final Optional<PublishedUrl> publishedUrl;

  OutboxPublisher(
      PublishOutbox outbox,
      List<PublishTarget> targets,
      Clock clock,
      Runnable wakeWorker,
      Optional<PublishedUrl> publishedUrl) {
    this.outbox = outbox;
    this.targets = List.copyOf(targets);
    this.clock = clock;
    this.wakeWorker = wakeWorker;
    this.publishedUrl = publishedUrl;
  }

  @Override
  public Future<Set<String>> filesTaken(String stem) {
    List<Future<Set<String>>> perTarget =
        targets.stream().map(target -> target.filesNamed(stem)).toList();
    return Future.all(perTarget)
        .map(
            all -> {
              Set<String> taken = new TreeSet<>();
              perTarget.forEach(names -> taken.addAll(names.result()));
              return taken;
            });
  }

  @Override
  public List<String> jobsFor(Publication publication) {
    String fileName = publication.fileName();
    String publicationId = publicationId(publication);
    List<String> replaces =
        publication.earlierRevisions().stream().map(Fingerprint::ofContent).toList();
    return targets.stream()
        .map(
            target -> {
              boolean webhook = target.name().equals("webhook");
              return new PublishJob(
                      publication.meetingId()
                          + "."
                          + target.name()
                          + "."
                          + revisionTag(publication, "."),
                      publication.meetingId(),
                      target.name(),
                      target.location(fileName),
                      fileName,
                      publication.frontMatter().permalink(),
                      publication.revision(),
                      replaces,
                      publication.markdown(),
                      webhook ? "msg_" + publicationId : "",
                      webhook ? webhookBody(publication) : "")
                  .encode();
            })
        .toList();
  }

  /** {@code <meetingId>_<closedAt ms>}, and {@code _r<revision>} for a correction. */
  private static String publicationId(Publication publication) {
    return publication.meetingId() + "_" + revisionTag(publication, "_");
  }

  /**
   * The close time, which names one publication; a correction adds its revision, so that even a
   * clock that went back cannot give two revisions one id.
   */
  private static String revisionTag(Publication publication, String separator) {
    long closedAt = closedAtMillis(publication);
    return publication.revision() <= 1
        ? Long.toString(closedAt)
        : closedAt + separator + "r" + publication.revision();
  }

  /**
   * The jobs of the meeting's publication {@code revision}. A close adds its jobs to the outbox
   * stream; until a worker has turned them into job records the revision has none, so an empty
   * answer first turns pending outbox entries into jobs (the same atomic step the workers run) and
   * looks again. It looks again even when that step created none: a worker may have turned them
   * into jobs between the first look and the step. A just-closed meeting thus always shows its
   * jobs, pending or done, never an empty list that says it publishes nowhere.
   */
  @Override
  public Future<List<JsonObject>> status(String meetingId, int revision) {
    if (revision <= 0) {
      return Future.succeededFuture(List.of());
    }
    return jobsOf(meetingId, revision)
        .compose(
            jobs ->
                jobs.isEmpty()
                    ? outbox
                        .ingest(clock.instant(), INGEST_BATCH)
                        .compose(created -> jobsOf(meetingId, revision))
                    : Future.succeededFuture(jobs))
        .map(
            jobs ->
                jobs.stream()
                    .sorted(
                        Comparator.comparing(
                                (Map<String, String> job) -> job.getOrDefault("target", ""))
                            .thenComparing(job -> job.getOrDefault("id", "")))
                    .map(job -> PublishState.ofMeeting(job, publishedUrl))
                    .toList());
  }

  /** Jobs written before revisions were counted have none: they are the first publication. */
  private Future<List<Map<String, String>>> jobsOf(String meetingId, int revision) {
    String wanted = Integer.toString(revision);
    return outbox
        .jobsOfMeeting(meetingId)
        .map(
            jobs ->
                jobs.stream()
                    .filter(job -> wanted.equals(job.getOrDefault("revision", "1")))
                    .toList());
  }

  @Override
  public Optional<String> site() {
    return publishedUrl.map(PublishedUrl::site);
  }

  @Override
  public Future<List<JsonObject>> failedJobs(int limit) {
    return outbox
        .failed(Math.max(1, limit))
        .map(jobs -> jobs.stream().map(PublishState::failed).toList());
  }

  @Override
  public Future<Retry> retry(String jobId) {
    return outbox
        .requeue(jobId, clock.instant())
        .map(
            result ->
                switch (result) {
                  case REQUEUED -> {
                    wakeWorker.run();
                    yield Retry.REQUEUED;
                  }
                  case UNKNOWN_JOB -> Retry.UNKNOWN_JOB;
                  case NOT_FAILED -> Retry.NOT_FAILED;
                });
  }

  /**
   * The webhook body of docs/contract.md §5, encoded once so every attempt signs and sends the same
   * bytes.
   */
  static String webhookBody(Publication publication) {
    JsonObject frontMatter = new JsonObject(publication.frontMatter().fields());
    return new JsonObject()
        .put("type", "minutes.published")
        .put("timestamp", publication.closedAt())
        .put(
            "data",
            new JsonObject()
                .put("meetingId", publication.meetingId())
                .put("permalink", publication.frontMatter().permalink())
                .put("path", publication.fileName())
                .put("revision", publication.revision())
                .put("frontMatter", frontMatter)
                .put("markdown", publication.markdown()))
        .encode();
  }

  private static long closedAtMillis(Publication publication) {
    try {
      return Instant.parse(publication.closedAt()).toEpochMilli();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "closedAt must be an ISO-8601 instant, got '" + publication.closedAt() + "'", e);
    }
  }
}
