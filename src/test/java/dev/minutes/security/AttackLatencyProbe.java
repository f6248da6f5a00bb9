package dev.minutes.security;

import dev.minutes.support.ServerProcess;
import dev.minutes.support.SyncPeer;
import dev.minutes.support.WirePeer;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Measures what attacks cost the people in a meeting: a server in its own process, an honest editor
 * (from 127.0.0.2) appending a token every 50 ms and timing each until the server acknowledged it
 * stored, and one attack at a time from 127.0.0.1. Prints, per phase, the honest editor's latency
 * percentiles, the server's CPU time and resident memory, and the refusals it counted. Not a test
 * (nothing is asserted): run it with {@code scripts/attack-latency.sh}; results in
 * docs/reliability.md.
 */
public final class AttackLatencyProbe {
  private static final byte[] EMPTY_SYNC = HexFormat.of().parseHex("42000001000000020284");

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient attackers =
      vertx.createWebSocketClient(
          new WebSocketClientOptions()
              .setMaxFrameSize(4 << 20)
              .setMaxMessageSize(4 << 20)
              .setMaxConnections(10_000));

  /**
   * The honest editor's own event loops: attackers busy on theirs must not delay its measurements.
   */
  private final Vertx honestVertx = Vertx.vertx();

  private final WebSocketClient honestClients =
      honestVertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0.2"));
  private final WebClient http = WebClient.create(vertx);
  private final long phaseMillis;
  private ServerProcess server;
  private int port;
  private JsonObject meeting;
  private volatile boolean attacking;

  private AttackLatencyProbe(long phaseMillis) {
    this.phaseMillis = phaseMillis;
  }

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
    AttackLatencyProbe probe = new AttackLatencyProbe(TimeUnit.SECONDS.toMillis(seconds));
    try {
      probe.run();
    } finally {
      probe.close();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    Path data = Files.createTempDirectory("attack-latency-");
    server =
        ServerProcess.start(
            Map.of(
                "MINUTES_HTTP_PORT",
                "0",
                "MINUTES_DATA_DIR",
                data.toString(),
                "MINUTES_PUBLISH_FOLDER",
                "off",
                "MINUTES_LOG_LEVEL",
                "INFO"),
            data);
    port = server.ready().await(120, TimeUnit.SECONDS);
    meeting =
        http.post(port, "127.0.0.1", "/api/meetings")
            .sendJsonObject(new JsonObject().put("chair", "Probe"))
            .await(30, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    SyncPeer honest =
        SyncPeer.connect(honestClients, port, token("editor"), documentId(), "honest")
            .await(30, TimeUnit.SECONDS);
    System.out.printf(
        Locale.ROOT,
        "%-22s %6s %7s %7s %7s %7s %9s %8s  %s%n",
        "phase (" + phaseMillis / 1000 + " s)",
        "edits",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "cpu s",
        "rss MiB",
        "refusals / attack");
    phase("baseline", honest, v -> {});
    phase("message flood x20", honest, v -> repeat(20, this::flood));
    phase("oversized frames x4", honest, v -> repeat(4, this::oversized));
    phase("connection flood", honest, v -> connectionFlood());
    phase("slow-loris x1000", honest, v -> slowLoris(1000));
    phase("viewer writes x20", honest, v -> repeat(20, this::viewerWrites));
    phase("after the attacks", honest, v -> {});
    honest.close();
  }

  /** Runs one attack for a phase while the honest editor measures. */
  private void phase(String name, SyncPeer honest, Consumer<Void> attack) throws Exception {
    Map<String, Double> refusalsBefore = refusals();
    double cpuBefore = cpuSeconds();
    attacking = true;
    vertx.runOnContext(v -> attack.accept(null));
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(phaseMillis);
    int edit = 0;
    while (System.nanoTime() < end) {
      long started = System.nanoTime();
      honest.append("[" + name.charAt(0) + edit++ + "]").await(60, TimeUnit.SECONDS);
      latencies.add(System.nanoTime() - started);
      honestVertx.timer(50).await(10, TimeUnit.SECONDS);
    }
    attacking = false;
    double cpu = cpuSeconds() - cpuBefore;
    Map<String, Double> refused = new TreeMap<>();
    refusals()
        .forEach(
            (reason, count) -> {
              double delta = count - refusalsBefore.getOrDefault(reason, 0.0);
              if (delta > 0) {
                refused.put(reason, delta);
              }
            });
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-22s %6d %7.1f %7.1f %7.1f %7.1f %9.1f %8d  %s%n",
        name,
        sorted.size(),
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.95)),
        ms(percentile(sorted, 0.99)),
        ms(sorted.get(sorted.size() - 1)),
        cpu,
        rssMiB(),
        refused);
    vertx
        .timer(1500)
        .await(10, TimeUnit.SECONDS); // let the attack's sockets close before the next phase
  }

  // ---- attacks (each repeats until the phase ends) ----

  private void repeat(int parallel, Runnable attack) {
    for (int i = 0; i < parallel; i++) {
      attack.run();
    }
  }

  /** Joins, then sends presence as fast as the socket takes it until refused (1013); again. */
  private void flood() {
    if (!attacking) {
      return;
    }
    String peerId = "flood-" + System.nanoTime();
    joined(peerId)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                vertx.setTimer(10, id -> flood());
                return;
              }
              WirePeer peer = ar.result();
              pump(peer, peerId, 1);
              peer.closed().onComplete(c -> flood());
            });
  }

  /**
   * Presence in the flooder's own name, so the server forwards it to every other peer until
   * refused.
   */
  private void pump(WirePeer peer, String peerId, long count) {
    if (!attacking || peer.isClosed()) {
      peer.close();
      return;
    }
    peer.send(new Ephemeral(peerId, null, documentId(), count, "s", new byte[] {(byte) 0xa0}))
        .onComplete(ar -> pump(peer, peerId, count + 1));
  }

  /** Joins, sends a 2 MiB frame (the limit is 1 MiB), is cut off; again. */
  private void oversized() {
    if (!attacking) {
      return;
    }
    joined("big-" + System.nanoTime())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                vertx.setTimer(10, id -> oversized());
                return;
              }
              ar.result()
                  .sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[2 << 20]), true));
              ar.result().closed().onComplete(c -> oversized());
            });
  }

  /** Holds the address' 200 connections, then keeps asking for more (each refused with 429). */
  private void connectionFlood() {
    List<Future<WirePeer>> held = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      held.add(WirePeer.connect(attackers, port, token("editor")));
    }
    Future.join(held).onComplete(ar -> knock(held));
  }

  private void knock(List<Future<WirePeer>> held) {
    if (!attacking) {
      held.forEach(f -> f.onSuccess(WirePeer::close));
      return;
    }
    List<Future<WirePeer>> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(WirePeer.connect(attackers, port, token("editor")));
    }
    Future.join(batch)
        .onComplete(
            ar -> {
              batch.forEach(f -> f.onSuccess(WirePeer::close));
              knock(held);
            });
  }

  /** Opens connections that send a request's headers one line a second, never finishing. */
  private void slowLoris(int connections) {
    NetClient tcp = vertx.createNetClient();
    for (int i = 0; i < connections; i++) {
      tcp.connect(port, "127.0.0.1").onSuccess(this::dribble);
    }
  }

  private void dribble(NetSocket socket) {
    socket.write("GET /sync?token=" + token("editor") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    long timer =
        vertx.setPeriodic(
            1000,
            id -> {
              if (!attacking) {
                socket.close();
              } else {
                socket.write("X-Slow: " + id + "\r\n");
              }
            });
    socket.closeHandler(
        v -> {
          vertx.cancelTimer(timer);
          if (attacking) {
            vertx.createNetClient().connect(port, "127.0.0.1").onSuccess(this::dribble);
          }
        });
  }

  /** A viewer that keeps sending changes (each refused read-only). */
  private void viewerWrites() {
    SyncPeer.connect(attackers, port, token("viewer"), documentId(), "viewer-" + System.nanoTime())
        .onSuccess(viewer -> write(viewer, 0));
  }

  private void write(SyncPeer viewer, int n) {
    if (!attacking) {
      viewer.close();
      return;
    }
    viewer.append("[refused " + n + "]");
    vertx.setTimer(20, id -> write(viewer, n + 1));
  }

  private Future<WirePeer> joined(String peerId) {
    return WirePeer.connect(attackers, port, token("editor"))
        .compose(peer -> peer.join(peerId).map(peer))
        .compose(peer -> peer.send(new Request(peerId, null, documentId(), EMPTY_SYNC)).map(peer));
  }

  // ---- measurements ----

  private Map<String, Double> refusals() throws Exception {
    String text =
        http.get(port, "127.0.0.1", "/metrics").send().await(30, TimeUnit.SECONDS).bodyAsString();
    Map<String, Double> counts = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("minutes_refusals_total{")) {
        String reason = line.replaceAll(".*reason=\"([^\"]*)\".*", "$1");
        counts.put(reason, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      } else if (line.startsWith("minutes_presence_dropped_total")) {
        counts.put(
            "presence-dropped", Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      } else if (line.startsWith("minutes_http_request_timeouts_total")) {
        counts.put(
            "request-timeout", Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return counts;
  }

  /** User plus system CPU time of the server process, from /proc. */
  private double cpuSeconds() throws Exception {
    String[] stat =
        Files.readString(Path.of("/proc/" + server.pid() + "/stat"))
            .replaceAll(".*\\) ", "")
            .split(" ");
    return (Long.parseLong(stat[11]) + Long.parseLong(stat[12]))
        / 100.0; // utime, stime in clock ticks
  }

  private long rssMiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private String token(String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private String documentId() {
    return DocumentIds.fromUrl(meeting.getString("documentUrl"));
  }

  private void close() throws Exception {
    attacking = false;
    if (server != null) {
      server.terminate();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    honestVertx.close().await(30, TimeUnit.SECONDS);
  }
}
