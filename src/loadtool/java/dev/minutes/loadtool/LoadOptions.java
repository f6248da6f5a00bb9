package dev.minutes.loadtool;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command-line options of {@link LoadTool}; see {@link #USAGE}. */
record LoadOptions(
    String scenario,
    URI server,
    List<URI> servers,
    boolean protocolOnly,
    boolean fullSync,
    boolean meetingPlacement,
    int typists,
    int meetingSize,
    double rate,
    Duration duration,
    Duration warmup,
    Duration drain,
    int changes,
    Optional<Path> state,
    List<String> serverPids,
    Optional<Path> json,
    String label,
    int threads,
    long seed,
    Clients clients,
    int watchers,
    int workers,
    Optional<Path> nodeDir,
    Duration unloadWait) {

  /**
   * Who the typists are: this tool's own Java replicas, or JavaScript ones in Node worker processes
   * (Automerge 3.5 speaking the protocol itself, or the official automerge-repo Repo).
   */
  enum Clients {
    JAVA("java"),
    JS("js"),
    REPO("repo");

    final String label;

    Clients(String label) {
      this.label = label;
    }

    boolean inNode() {
      return this != JAVA;
    }

    static Clients of(String value) {
      for (Clients clients : values()) {
        if (clients.label.equals(value)) {
          return clients;
        }
      }
      throw new IllegalArgumentException("--clients must be java, js or repo, not " + value);
    }
  }

  static final String USAGE =
      """
      usage: java -jar target/minutes-loadtool.jar [options]
        --scenario typing|late-joiner|fetch|long-meeting   what to run (default typing); long-meeting:
                              --typists authors type into one meeting until it holds --changes keystrokes,
                              server CPU per change over a --duration window at the start and at the end,
                              then late joiners, then RSS while open and after the server unloaded it
        --server URL[,URL]    sync endpoint, e.g. ws://127.0.0.1:8080/sync (required); several nodes of one
                              Redis: client n of the run talks to node n mod count (meetings span nodes)
        --placement client|meeting  with several nodes: by client (default, as a balancer without affinity)
                              or every typist of meeting m on node m mod count (affinity by meeting)
        --protocol-only       the server has no meetings API (reference servers): client 0 creates each document
        --full-sync           typists let Automerge's sync answer every message (slower: it walks the history
                              each time); by default they switch to the same messages worked out cheaply
                              once they hold the server's heads
        --typists N           typing clients in all (default 10)
        --meeting-size N      typists per meeting/document (default 10)
        --rate R              keystrokes per second per typist, one change each (default 5)
        --duration D          measured typing time, e.g. 60s (default 30s)
        --warmup D            typing before measuring starts (default 5s)
        --drain D             longest wait for the last keystrokes after typing stopped (default 10s)
        --changes N           late-joiner: changes in the seeded document; long-meeting: keystrokes the
                              meeting grows to (default 50000)
        --unload-wait D       long-meeting: longest wait for the server to unload the meeting after everyone
                              left (servers without metrics: the whole wait; default 60s)
        --state FILE          late-joiner writes the seeded document here; fetch reads it
        --server-pid P[,P]    processes whose CPU and RSS count as the server's (e.g. JVM and its Redis)
        --json FILE           write the result as JSON
        --label NAME          name of the server in the report (default: the URL)
        --threads N           event loops of the load tool (default 2)
        --seed N              random seed (default 1)
        --clients java|js|repo  typing: who the typists are (default java, this tool's replicas): js =
                              Automerge 3.5 replicas that speak the protocol as a browser's client does and
                              send each keystroke at once; repo = the official automerge-repo 2.5.6 Repo
                              (it throttles its sends to one per 100 ms); both run in Node worker processes
        --watchers N          clients per meeting that only watch (viewer links on this server), on top of
                              the typists; the report counts deliveries to them too, and gives their
                              latency on its own (default 0)
        --workers N           js/repo: Node worker processes (default: one per 10 clients, at most 8)
        --node-dir DIR        js/repo: the worker's Node project (default src/loadtool/node beside target/)
      """;

  static LoadOptions parse(String[] args) {
    String scenario = "typing";
    List<URI> servers = new ArrayList<>();
    boolean protocolOnly = false;
    boolean fullSync = false;
    boolean meetingPlacement = false;
    int typists = 10;
    int meetingSize = 10;
    double rate = 5;
    Duration duration = Duration.ofSeconds(30);
    Duration warmup = Duration.ofSeconds(5);
    Duration drain = Duration.ofSeconds(10);
    int changes = 50_000;
    Optional<Path> state = Optional.empty();
    List<String> pids = new ArrayList<>();
    Optional<Path> json = Optional.empty();
    String label = null;
    int threads = 2;
    long seed = 1;
    Clients clients = Clients.JAVA;
    int watchers = 0;
    int workers = 0;
    Optional<Path> nodeDir = Optional.empty();
    Duration unloadWait = Duration.ofSeconds(60);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--protocol-only" -> protocolOnly = true;
        case "--full-sync" -> fullSync = true;
        case "--help", "-h" -> throw new IllegalArgumentException("");
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("missing value after " + arg);
          }
          String value = args[++i];
          switch (arg) {
            case "--scenario" -> scenario = value;
            case "--server" -> {
              for (String url : value.split(",")) {
                servers.add(URI.create(url.trim()));
              }
            }
            case "--placement" ->
                meetingPlacement =
                    switch (value) {
                      case "meeting" -> true;
                      case "client" -> false;
                      default ->
                          throw new IllegalArgumentException(
                              "--placement must be client or meeting, not " + value);
                    };
            case "--typists" -> typists = positive(arg, value);
            case "--meeting-size" -> meetingSize = positive(arg, value);
            case "--rate" -> rate = Double.parseDouble(value);
            case "--duration" -> duration = duration(value);
            case "--warmup" -> warmup = duration(value);
            case "--drain" -> drain = duration(value);
            case "--changes" -> changes = positive(arg, value);
            case "--state" -> state = Optional.of(Path.of(value));
            case "--server-pid" -> pids.addAll(List.of(value.split(",")));
            case "--json" -> json = Optional.of(Path.of(value));
            case "--label" -> label = value;
            case "--threads" -> threads = positive(arg, value);
            case "--seed" -> seed = Long.parseLong(value);
            case "--clients" -> clients = Clients.of(value);
            case "--watchers" -> watchers = Integer.parseInt(value);
            case "--workers" -> workers = positive(arg, value);
            case "--node-dir" -> nodeDir = Optional.of(Path.of(value));
            case "--unload-wait" -> unloadWait = duration(value);
            default -> throw new IllegalArgumentException("unknown option " + arg);
          }
        }
      }
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--server is required");
    }
    URI server = servers.get(0);
    if (!List.of("typing", "late-joiner", "fetch", "long-meeting").contains(scenario)) {
      throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    if (rate <= 0 || rate > 1000) {
      throw new IllegalArgumentException("--rate must be in (0, 1000]");
    }
    if (!scenario.equals("typing") && state.isEmpty() && scenario.equals("fetch")) {
      throw new IllegalArgumentException("fetch needs --state");
    }
    if (watchers < 0) {
      throw new IllegalArgumentException("--watchers must not be negative");
    }
    if (clients.inNode() && !scenario.equals("typing")) {
      throw new IllegalArgumentException("--clients js and repo only type (scenario typing)");
    }
    pids.removeIf(String::isBlank);
    return new LoadOptions(
        scenario,
        server,
        List.copyOf(servers),
        protocolOnly,
        fullSync,
        meetingPlacement,
        typists,
        scenario.equals("long-meeting") ? typists : Math.min(meetingSize, typists),
        rate,
        duration,
        warmup,
        drain,
        changes,
        state,
        List.copyOf(pids),
        json,
        label == null ? server.toString() : label,
        threads,
        seed,
        clients,
        watchers,
        workers,
        nodeDir,
        unloadWait);
  }

  private static int positive(String option, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive");
    }
    return n;
  }

  /** "60s", "500ms", "2m" or plain seconds. */
  static Duration duration(String value) {
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    if (value.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
  }
}
