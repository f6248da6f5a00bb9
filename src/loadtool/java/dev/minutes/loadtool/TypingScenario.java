package dev.minutes.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenarios (a) and (b): meetings of {@code meetingSize} typists, each typing at {@code rate}, and
 * {@code watchers} clients per meeting that only watch (viewer links); measures keystroke-to-peer
 * latency (and to the watchers alone), what arrived, and the cost on both sides. {@link
 * LongMeetingScenario} types into one such meeting for longer.
 */
final class TypingScenario {
  private static final Logger log = LoggerFactory.getLogger(TypingScenario.class);
  static final String INITIAL_BODY = "# Minutes\n\n";

  private final Vertx vertx;
  private final LoadOptions options;
  private final WebSocketClient client;
  private final DocumentSource documents;
  private final WireCounters wire = new WireCounters();
  private final List<Meeting> meetings = new ArrayList<>();

  /** One meeting's document, its shared ledger, its typists and its watchers. */
  static final class Meeting {
    final MeetingLedger ledger;
    final List<Typist> typists = new ArrayList<>();
    final List<Typist> watchers = new ArrayList<>();
    DocumentSource.Target target;

    Meeting(MeetingLedger ledger) {
      this.ledger = ledger;
    }

    List<Typist> members() {
      List<Typist> all = new ArrayList<>(typists);
      all.addAll(watchers);
      return all;
    }
  }

  TypingScenario(
      Vertx vertx, LoadOptions options, WebSocketClient client, DocumentSource documents) {
    this.vertx = vertx;
    this.options = options;
    this.client = client;
    this.documents = documents;
  }

  Future<JsonObject> run() {
    ResourceMonitor monitor = new ResourceMonitor(vertx, options.serverPids());
    long rssBefore = monitor.serverRssNow();
    return connectAll()
        .compose(
            v -> {
              log.info(
                  "{} typists in {} meetings hold their documents; typing",
                  typists().size(),
                  meetings.size());
              typists().forEach(t -> t.startTyping(options.rate()));
              return vertx.timer(options.warmup().toMillis());
            })
        .compose(
            v -> {
              typists().forEach(t -> t.measure(true));
              monitor.startWindow();
              return vertx.timer(options.duration().toMillis());
            })
        .compose(
            v -> {
              typists().forEach(t -> t.measure(false));
              monitor.endWindow();
              return Future.all(typists().stream().map(Typist::stopTyping).toList());
            })
        .compose(v -> drain(System.nanoTime() + options.drain().toNanos()))
        .compose(
            undelivered -> {
              monitor.stop();
              JsonObject result = result(monitor, undelivered, rssBefore);
              return Future.join(members().stream().map(Typist::close).toList()).map(x -> result);
            });
  }

  /** Creates every meeting and connects its members; completes once each holds its document. */
  Future<Void> connectAll() {
    int meetingCount = (options.typists() + options.meetingSize() - 1) / options.meetingSize();
    Future<Void> chain = Future.succeededFuture();
    int remaining = options.typists();
    for (int m = 0; m < meetingCount; m++) {
      int size = Math.min(options.meetingSize(), remaining);
      remaining -= size;
      int index = m;
      chain = chain.compose(v -> connectMeeting(index, size));
    }
    return chain;
  }

  /**
   * The client number whose node serves client {@code client} of meeting {@code meeting} (see
   * --placement).
   */
  private int nodeOf(int meeting, int client) {
    return options.meetingPlacement() ? meeting : client;
  }

  private Future<Void> connectMeeting(int index, int size) {
    Meeting meeting = new Meeting(new MeetingLedger(size));
    meetings.add(meeting);
    int members = size + options.watchers();
    int firstClient = index * members;
    return documents
        .create("load meeting " + index, nodeOf(index, firstClient))
        .compose(
            target -> {
              meeting.target = target;
              for (int member = 0; member < members; member++) {
                boolean watcher = member >= size;
                (watcher ? meeting.watchers : meeting.typists)
                    .add(
                        new Typist(
                            vertx,
                            client,
                            documents.connectOptions(
                                target, nodeOf(index, firstClient + member), watcher),
                            target.documentId(),
                            meeting.ledger,
                            watcher ? Typist.WATCHER : member,
                            wire,
                            options.seed() * 1_000_003L + index * 1_009L + member,
                            options.fullSync()));
              }
              List<Typist> joining = meeting.members();
              if (!target.clientCreates()) {
                return Future.all(joining.stream().map(t -> t.start(Optional.empty())).toList())
                    .mapEmpty();
              }
              // Without a meetings API the first client creates the document; the others ask for it
              // once the server has it.
              Typist creator = joining.get(0);
              return creator
                  .start(Optional.of(INITIAL_BODY))
                  .compose(v -> creator.awaitInSync())
                  .compose(
                      v ->
                          Future.all(
                              joining.subList(1, joining.size()).stream()
                                  .map(t -> t.start(Optional.empty()))
                                  .toList()))
                  .mapEmpty();
            });
  }

  /**
   * Waits until every typist holds every keystroke of its meeting, or the deadline; returns what is
   * missing.
   */
  Future<Long> drain(long deadline) {
    List<Future<Long>> missing = new ArrayList<>();
    for (Meeting meeting : meetings) {
      int[] last = meeting.ledger.lastSeqs();
      for (Typist typist : meeting.members()) {
        missing.add(
            typist
                .knownSeqs()
                .map(
                    known -> {
                      long gap = 0;
                      for (int a = 0; a < last.length; a++) {
                        gap += Math.max(0, last[a] - known[a]);
                      }
                      return gap;
                    }));
      }
    }
    return Future.all(missing)
        .compose(
            all -> {
              long total = 0;
              for (int i = 0; i < all.size(); i++) {
                total += all.<Long>resultAt(i);
              }
              if (total == 0 || System.nanoTime() >= deadline) {
                return Future.succeededFuture(total);
              }
              return vertx.timer(100).compose(t -> drain(deadline));
            });
  }

  private JsonObject result(ResourceMonitor monitor, long undelivered, long rssBefore) {
    List<LongSamples> toWatchers =
        meetings.stream().flatMap(m -> m.watchers.stream()).map(Typist::latencies).toList();
    List<LongSamples> samples = new ArrayList<>(toWatchers);
    typists().forEach(t -> samples.add(t.latencies()));
    long keystrokes = 0;
    long expected = 0;
    for (Meeting meeting : meetings) {
      int others = meeting.typists.size() + meeting.watchers.size() - 1;
      for (Typist typist : meeting.typists) {
        keystrokes += typist.measuredKeystrokes();
        expected += (long) typist.measuredKeystrokes() * others;
      }
    }
    return TypingResult.of(
        options,
        monitor,
        meetings.size(),
        keystrokes,
        expected,
        LongSamples.percentiles(samples),
        LongSamples.percentiles(toWatchers),
        undelivered,
        rssBefore,
        wire.toJson(),
        wire.errors());
  }

  List<Meeting> meetings() {
    return meetings;
  }

  WireCounters wire() {
    return wire;
  }

  /** Every typist of the run (watchers left out). */
  List<Typist> typists() {
    return meetings.stream().flatMap(m -> m.typists.stream()).toList();
  }

  /** Every client of the run, typists and watchers. */
  List<Typist> members() {
    return meetings.stream().flatMap(m -> m.members().stream()).toList();
  }
}
