package dev.minutes.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Load tool: simulated typists against an automerge-repo sync server (this one, or a reference
 * server with {@code --protocol-only}). Prints a table and optionally writes JSON. Run it in its
 * own process, never inside the server's: its CPU is reported so a saturated tool is not mistaken
 * for a slow server. Usage: {@link LoadOptions#USAGE}; docs/performance.md.
 */
public final class LoadTool {
  private LoadTool() {}

  public static void main(String[] args) throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(options.threads())
                .setPreferNativeTransport(
                    true) // epoll, as the server: the tool's own CPU is one of the run's limits
                // Automerge work runs on the tool's event loops (see Typist); a 50,000-change
                // document takes a while.
                .setMaxEventLoopExecuteTime(30)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(100_000)
                .setMaxFrameSize(1 << 20)
                .setMaxMessageSize(256 << 20));
    DocumentSource documents = new DocumentSource(vertx, options.servers(), options.protocolOnly());
    int exit = 0;
    try {
      Future<JsonObject> run = run(vertx, options, client, documents);
      long bound =
          options.scenario().equals("long-meeting")
              ? Long.MAX_VALUE / 2 // grows until the meeting is that long, however long it takes
              : options.warmup().plus(options.duration()).plus(options.drain()).toSeconds() + 300;
      JsonObject result =
          run.toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
      System.out.print(Report.table(result));
      if (options.json().isPresent()) {
        Files.writeString(options.json().get(), result.encodePrettily() + "\n");
      }
    } catch (ExecutionException | TimeoutException | IOException e) {
      System.err.println("load run failed: " + (e.getCause() != null ? e.getCause() : e));
      exit = 1;
    } finally {
      documents.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  /** The scenario the options name, with the typists they name. */
  static Future<JsonObject> run(
      Vertx vertx, LoadOptions options, WebSocketClient client, DocumentSource documents) {
    return switch (options.scenario()) {
      case "late-joiner" -> new JoinScenario(vertx, options, client, documents).lateJoiner();
      case "fetch" -> new JoinScenario(vertx, options, client, documents).fetch();
      case "long-meeting" -> new LongMeetingScenario(vertx, options, client, documents).run();
      default ->
          options.clients().inNode()
              ? new JsTypingScenario(vertx, options, documents).run()
              : new TypingScenario(vertx, options, client, documents).run();
    };
  }
}
