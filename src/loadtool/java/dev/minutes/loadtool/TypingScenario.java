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
 * Scenarios (a) and (b): meetings of {@code meetingSize} typists, each typing at {@code rate};
 * measures keystroke-to-peer latency, what arrived, and the cost on both sides.
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

  private record Meeting(MeetingLedger ledger, List<Typist> typists) {}

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
              return Future.join(typists().stream().map(Typist::close).toList()).map(x -> result);
            });
  }

  private Future<Void> connectAll() {
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
    MeetingLedger ledger = new MeetingLedger(size);
    List<Typist> typists = new ArrayList<>();
    meetings.add(new Meeting(ledger, typists));
    int firstClient = index * size;
    return documents
        .create("load meeting " + index, nodeOf(index, firstClient))
        .compose(
            target -> {
              for (int author = 0; author < size; author++) {
                typists.add(
                    new Typist(
                        vertx,
                        client,
                        documents.connectOptions(target, nodeOf(index, firstClient + author)),
                        target.documentId(),
                        ledger,
                        author,
                        wire,
                        options.seed() * 1_000_003L + index * 1_009L + author,
                        options.fullSync()));
              }
              if (!target.clientCreates()) {
                return Future.all(typists.stream().map(t -> t.start(Optional.empty())).toList())
                    .mapEmpty();
              }
              // Without a meetings API the first client creates the document; the others ask for it
              // once the server has it.
              Typist creator = typists.get(0);
              return creator
                  .start(Optional.of(INITIAL_BODY))
                  .compose(v -> creator.awaitInSync())
                  .compose(
                      v ->
                          Future.all(
                              typists.subList(1, size).stream()
                                  .map(t -> t.start(Optional.empty()))
                                  .toList()))
                  .mapEmpty();
            });
  }

  /**
   * Waits until every typist holds every keystroke of its meeting, or the deadline; returns what is
   * missing.
   */
  private Future<Long> drain(long deadline) {
    List<Future<Long>> missing = new ArrayList<>();
    for (Meeting meeting : meetings) {
      int[] last = meeting.ledger.lastSeqs();
      for (Typist typist : meeting.typists) {
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
    List<LongSamples> samples = typists().stream().map(Typist::latencies).toList();
    LongSamples.Percentiles latency = LongSamples.percentiles(samples);
    long keystrokes = 0;
    long expected = 0;
    for (Meeting meeting : meetings) {
      for (Typist typist : meeting.typists) {
        keystrokes += typist.measuredKeystrokes();
        expected += (long) typist.measuredKeystrokes() * (meeting.typists.size() - 1);
      }
    }
    return TypingResult.of(
        options,
        monitor,
        meetings.size(),
        keystrokes,
        expected,
        latency,
        undelivered,
        rssBefore,
        wire.toJson(),
        wire.errors());
  }

  private List<Typist> typists() {
    return meetings.stream().flatMap(m -> m.typists.stream()).toList();
  }
}
