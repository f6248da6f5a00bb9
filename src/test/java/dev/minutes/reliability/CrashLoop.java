package dev.minutes.reliability;

import dev.minutes.store.RedisTopology;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RedisProcess;
import dev.minutes.support.SentinelTopology;
import dev.minutes.support.ServerProcess;
import dev.minutes.support.StoredMinutes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash loop: official clients type into one meeting while the server process (or Redis, or the
 * primary of a Sentinel-watched Redis) is killed with SIGKILL and restarted, cycle after cycle.
 * Afterwards both are killed once more, Redis alone is restarted from its AOF (Sentinel: the
 * primary is killed once more and its replica promoted), and the document as stored there must
 * contain every token any client saw acknowledged. Lost acknowledged tokens must be 0.
 *
 * <p>With {@link Target#SENTINEL} the server acknowledges an edit only once the replica confirmed
 * it ({@code MINUTES_REDIS_MIN_REPLICAS=1}); each cycle SIGKILLs the primary, waits for the
 * Sentinels to promote the replica and starts the killed process again, which becomes the new
 * replica (with no persistence of its own: whatever it held is gone, so only replication keeps an
 * edit).
 *
 * <p>The short version runs in {@code CrashLoopTest}; the long one is {@code scripts/crash-loop.sh}
 * (this class' {@link #main}). Timings come from a seeded {@link Random}, so a run's schedule can
 * be repeated with the seed it prints (the machine's timing still varies).
 */
public final class CrashLoop {
  private static final Logger log = LoggerFactory.getLogger(CrashLoop.class);
  private static final String PREFIX = "crash:";

  /** What is killed in each cycle. */
  public enum Target {
    SERVER,
    REDIS,
    SENTINEL
  }

  /**
   * @param typingMillis how long clients type between two kills (uniformly drawn in [min, max])
   * @param downMillis how long the target stays dead (drawn in [0, max])
   */
  public record Settings(
      Target target,
      int cycles,
      int typists,
      long seed,
      int minTypingMillis,
      int maxTypingMillis,
      int maxDownMillis) {
    public static Settings of(Target target, int cycles, long seed) {
      return new Settings(target, cycles, 3, seed, 300, 1500, 300);
    }
  }

  /**
   * What a run saw. {@code lostTokens} lists acknowledged tokens missing from the stored document.
   */
  public record Result(
      Settings settings,
      int cycles,
      long typed,
      long acknowledged,
      long lost,
      List<String> lostTokens,
      int serverStartRetries,
      Duration elapsed) {
    public String summary() {
      return String.format(
          Locale.ROOT,
          "crash-loop target=%s seed=%d cycles=%d typists=%d typed=%d acknowledged=%d "
              + "lost=%d server-start-retries=%d elapsed=%ds",
          settings.target().name().toLowerCase(Locale.ROOT),
          settings.seed(),
          cycles,
          settings.typists(),
          typed,
          acknowledged,
          lost,
          serverStartRetries,
          elapsed.toSeconds());
    }
  }

  private final Settings settings;
  private final Vertx vertx;
  private final Random random;
  private final Path workDir;
  private final int httpPort = freePort();
  private KillableRedis redis;
  private SentinelTopology sentinel;
  private ServerProcess server;
  private int startRetries;

  private CrashLoop(Settings settings, Vertx vertx) throws IOException {
    this.settings = settings;
    this.vertx = vertx;
    this.random = new Random(settings.seed());
    this.workDir = Files.createTempDirectory("crash-loop-");
  }

  /** Runs the loop; blocking, call it from a test or main thread. */
  public static Result run(Settings settings) throws Exception {
    NodeProject.ensureInstalled();
    Vertx vertx = Vertx.vertx();
    CrashLoop loop = new CrashLoop(settings, vertx);
    try {
      return loop.run();
    } finally {
      loop.cleanUp();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Result run() throws Exception {
    long started = System.nanoTime();
    if (settings.target() == Target.SENTINEL) {
      sentinel = SentinelTopology.start();
    } else {
      redis = KillableRedis.start(workDir.resolve("redis"), freePort());
    }
    startServer();
    JsonObject meeting = createMeeting();
    String editorUrl =
        "ws://127.0.0.1:"
            + httpPort
            + "/sync?token="
            + meeting.getJsonObject("tokens").getString("editor");
    List<Typist> typists = new ArrayList<>();
    try {
      for (int i = 0; i < settings.typists(); i++) {
        Typist typist = new Typist(vertx, Typist.client(vertx, editorUrl), "t" + i, 20, 1500);
        typists.add(typist);
        typist.start(meeting.getString("documentUrl")).await(60, TimeUnit.SECONDS);
      }
      int cycles = 0;
      for (; cycles < settings.cycles(); cycles++) {
        pause(between(settings.minTypingMillis(), settings.maxTypingMillis()));
        kill();
        pause(between(0, settings.maxDownMillis()));
        List<Integer> before = typists.stream().map(Typist::typedCount).toList();
        restart();
        // A cycle counts once every typist has had something acknowledged that it typed before the
        // restart.
        for (int i = 0; i < typists.size(); i++) {
          typists.get(i).acknowledgedAtLeast(before.get(i) + 1).await(120, TimeUnit.SECONDS);
        }
        if ((cycles + 1) % 10 == 0 || cycles + 1 == settings.cycles()) {
          // Progress of long runs (the script runs with MINUTES_LOG_LEVEL=WARN).
          System.out.printf(
              Locale.ROOT,
              "%s: cycle %d of %d, acknowledged so far %d%n",
              settings.target(),
              cycles + 1,
              settings.cycles(),
              typists.stream().mapToInt(Typist::acknowledgedCount).sum());
        }
      }
      for (Typist typist : typists) {
        typist.stop().await(60, TimeUnit.SECONDS);
      }
      for (Typist typist : typists) {
        typist.confirm(30_000).await(60, TimeUnit.SECONDS);
      }
      String stored = storedBodyAfterFinalCrash(meeting.getString("documentUrl"));
      List<String> lost = new ArrayList<>();
      long acknowledged = 0;
      long typed = 0;
      for (Typist typist : typists) {
        typed += typist.typedCount();
        for (String token : typist.acknowledgedTokens()) {
          acknowledged++;
          if (!stored.contains(token)) {
            lost.add(token);
          }
        }
      }
      return new Result(
          settings,
          cycles,
          typed,
          acknowledged,
          lost.size(),
          lost,
          startRetries,
          Duration.ofNanos(System.nanoTime() - started));
    } finally {
      for (Typist typist : typists) {
        typist.client().close();
      }
    }
  }

  private void kill() throws Exception {
    switch (settings.target()) {
      case SERVER -> server.kill();
      case REDIS -> redis.kill();
      case SENTINEL -> sentinel.killPrimaryAndAwaitFailover();
    }
  }

  private void restart() throws Exception {
    switch (settings.target()) {
      case SERVER -> startServer();
      case REDIS -> redis.restart();
      case SENTINEL -> sentinel.restartFormerPrimary();
    }
  }

  /**
   * Starts the server, again if it exits during startup (as a supervisor would: on a loaded machine
   * Redisson's subscription at startup can time out). Attempts beyond the first are counted.
   */
  private void startServer() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        startServerOnce();
        return;
      } catch (Exception e) {
        server.close();
        if (attempt == 5) {
          throw e;
        }
        startRetries++;
        log.warn(
            "server did not start (attempt {}), starting it again: {}", attempt, e.getMessage());
      }
    }
  }

  private void startServerOnce() throws Exception {
    Map<String, String> env = new HashMap<>();
    if (sentinel != null) {
      env.put("REDIS_SENTINELS", sentinel.sentinelsSetting());
      env.put("REDIS_SENTINEL_MASTER", SentinelTopology.MASTER);
      env.put("MINUTES_REDIS_MIN_REPLICAS", "1");
    } else {
      env.put("REDIS_URL", redis.url());
    }
    env.put("MINUTES_REDIS_PREFIX", PREFIX);
    env.put("MINUTES_HTTP_PORT", String.valueOf(httpPort));
    env.put("MINUTES_DATA_DIR", workDir.resolve("server").toString());
    env.put("MINUTES_PUBLISH_FOLDER", "off");
    env.put("MINUTES_LOG_LEVEL", "INFO"); // ServerProcess waits for the "listening on" INFO line
    server = ServerProcess.start(env, workDir);
    int port = server.ready().await(120, TimeUnit.SECONDS);
    if (port != httpPort) {
      throw new IllegalStateException("server listens on " + port + ", expected " + httpPort);
    }
  }

  private JsonObject createMeeting() throws Exception {
    WebClient http = WebClient.create(vertx);
    try {
      var response =
          http.post(httpPort, "127.0.0.1", "/api/meetings")
              .sendJsonObject(new JsonObject().put("chair", "Crash Loop"))
              .await(30, TimeUnit.SECONDS);
      if (response.statusCode() != 201) {
        throw new IllegalStateException(
            "create failed: " + response.statusCode() + " " + response.bodyAsString());
      }
      return response.bodyAsJsonObject();
    } finally {
      http.close();
    }
  }

  /**
   * Kills server and Redis, restarts Redis alone from its AOF and reads the document from it. With
   * Sentinel: kills the server and the primary, and reads from the replica promoted in its place.
   */
  private String storedBodyAfterFinalCrash(String documentUrl) throws Exception {
    server.kill();
    RedisTopology stored;
    if (sentinel != null) {
      sentinel.killPrimaryAndAwaitFailover();
      stored =
          new RedisTopology.Sentinel(
              RedisTopology.parseAddresses(sentinel.sentinelsSetting()), SentinelTopology.MASTER);
    } else {
      redis.kill();
      redis.restart();
      stored = new RedisTopology.Standalone(redis.url());
    }
    return StoredMinutes.body(vertx, stored, PREFIX, documentUrl);
  }

  private void cleanUp() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.stop();
    }
    if (sentinel != null) {
      sentinel.close();
    }
    deleteRecursively(workDir);
  }

  private int between(int min, int max) {
    return min + random.nextInt(Math.max(1, max - min + 1));
  }

  /**
   * Lets the typists work for a while (a timer future: the orchestrator has nothing else to wait
   * on).
   */
  private void pause(int millis) throws Exception {
    if (millis > 0) {
      vertx.timer(millis).await(millis + 30_000L, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A port the killed server and Redis can come back on: below the ephemeral range, so no outgoing
   * connection takes it while they are down.
   */
  private static int freePort() {
    return RedisProcess.freePort(false);
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  /**
   * {@code CrashLoop [server|redis] [cycles] [seed]}: prints one summary line per target and exits
   * 1 if any acknowledged token was lost.
   */
  public static void main(String[] args) throws Exception {
    List<Target> targets =
        args.length > 0 && !args[0].equals("both")
            ? List.of(Target.valueOf(args[0].toUpperCase(Locale.ROOT)))
            : List.of(Target.SERVER, Target.REDIS);
    int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis();
    boolean lost = false;
    for (Target target : targets) {
      Result result = run(Settings.of(target, cycles, seed));
      System.out.println(result.summary());
      if (result.lost() > 0) {
        System.out.println("lost tokens: " + result.lostTokens());
        lost = true;
      }
    }
    System.exit(lost ? 1 : 0);
  }
}
