package dev.minutes.support;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A minutes node on the test Redis for every test of a class: a fresh Vert.x and key prefix before
 * each test, the node stopped and its keys deleted after it (after the class' own
 * {@code @AfterEach}, so that clients it closes there still find the node). Register it on an
 * instance field:
 *
 * <pre>
 * {@code @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();}
 * </pre>
 */
public final class RunningNode implements BeforeEachCallback, AfterEachCallback {
  private final Map<String, String> settings;
  private final boolean nodeClients;
  private Vertx vertx;
  private TestNode node;

  private RunningNode(Map<String, String> settings, boolean nodeClients) {
    this.settings = Map.copyOf(settings);
    this.nodeClients = nodeClients;
  }

  /** A node with the test defaults of {@link TestNode}. */
  public static RunningNode create() {
    return new RunningNode(Map.of(), false);
  }

  /** The same with extra settings (variable name → value). */
  public RunningNode withSettings(Map<String, String> extra) {
    return new RunningNode(extra, nodeClients);
  }

  /** The same, with the Node test clients of {@code src/test/node} installed first. */
  public RunningNode withNodeClients() {
    return new RunningNode(settings, true);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (nodeClients) {
      NodeProject.ensureInstalled();
    }
    vertx = Vertx.vertx();
    node = TestNode.start(vertx, RedisHarness.newPrefix(), settings).await(30, SECONDS);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      if (node != null) {
        node.stopAndClean().await(30, SECONDS);
      }
    } finally {
      node = null;
      vertx.close().await(30, SECONDS);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public TestNode node() {
    return node;
  }
}
