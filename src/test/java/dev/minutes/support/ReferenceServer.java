package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The reference sync server ({@code src/test/node/reference-server.mjs}): an unmodified
 * automerge-repo 2.5.6 Repo with the official WebSocket server adapter, in-memory storage and a
 * storageId, on a free loopback port. Accepts any URL path and ignores the query string.
 */
public final class ReferenceServer implements AutoCloseable {

  private final NodeClient process;
  private final int port;
  private final String peerId;
  private final String storageId;

  private ReferenceServer(NodeClient process, int port, String peerId, String storageId) {
    this.process = process;
    this.port = port;
    this.peerId = peerId;
    this.storageId = storageId;
  }

  /** Starts it; completes once it listens. */
  public static Future<ReferenceServer> start(Vertx vertx) {
    NodeClient process = NodeClient.start(vertx, "reference-server.mjs", List.of("--port", "0"));
    return process
        .awaitEvent("listening")
        .map(
            listening ->
                new ReferenceServer(
                    process,
                    listening.getInteger("port"),
                    listening.getString("peerId"),
                    listening.getString("storageId")))
        .onFailure(e -> process.close());
  }

  public int port() {
    return port;
  }

  /** The WebSocket URL clients connect to, e.g. {@code ws://127.0.0.1:PORT/sync}. */
  public String url() {
    return "ws://127.0.0.1:" + port + "/sync";
  }

  public String peerId() {
    return peerId;
  }

  public String storageId() {
    return storageId;
  }

  public NodeClient process() {
    return process;
  }

  /** Stops it cleanly; completes with the exit code. */
  public Future<Integer> stop() {
    return process.exit();
  }

  @Override
  public void close() {
    process.close();
  }
}
