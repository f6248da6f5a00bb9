package dev.minutes.security;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.SyncPeer;
import dev.minutes.support.TestNode;
import dev.minutes.support.WirePeer;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The security review's checks that can fail: secrets in logs, header and body bounds, page
 * headers.
 */
@DisplayName("Security review")
@Timeout(60)
class SecurityReviewTest {
  private static final String OPERATOR_TOKEN = "operator-" + UUID.randomUUID();
  private static final String CREATE_TOKEN = "create-" + UUID.randomUUID();

  private Vertx vertx;
  private TestNode node;
  private WebSocketClient sockets;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx,
                RedisHarness.newPrefix(),
                Map.of(
                    "MINUTES_OPERATOR_TOKEN",
                    OPERATOR_TOKEN,
                    "MINUTES_CREATE_TOKEN",
                    CREATE_TOKEN,
                    "MINUTES_MAX_HTTP_BODY_BYTES",
                    "65536"))
            .await(30, SECONDS);
    sockets = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() throws Exception {
    sockets.close().await(30, SECONDS);
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "no token, valid or not, appears in any log line (at DEBUG) or in /metrics, whatever is done with it")
  void tokensAreNeverLogged() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
    List<String> secrets = new ArrayList<>(List.of(OPERATOR_TOKEN, CREATE_TOKEN));
    try {
      JsonObject meeting =
          node.http()
              .post(node.port(), "127.0.0.1", "/api/meetings")
              .bearerTokenAuthentication(CREATE_TOKEN)
              .sendJsonObject(new JsonObject().put("chair", "Ada"))
              .await(30, SECONDS)
              .bodyAsJsonObject();
      String id = meeting.getString("id");
      String documentId = DocumentIds.fromUrl(meeting.getString("documentUrl"));
      JsonObject tokens = meeting.getJsonObject("tokens");
      tokens.forEach(entry -> secrets.add((String) entry.getValue()));
      String wrong = "e_" + UUID.randomUUID() + UUID.randomUUID();
      secrets.add(wrong);

      for (String token : List.of(tokens.getString("chair"), tokens.getString("viewer"), wrong)) {
        node.get("/api/meetings/" + id, token).await(30, SECONDS);
        node.get("/api/meetings/" + id + "/minutes.md", token).await(30, SECONDS);
        node.get("/api/meetings/" + id + "?token=" + token, null).await(30, SECONDS);
      }
      node.http()
          .post(node.port(), "127.0.0.1", "/api/meetings")
          .bearerTokenAuthentication(wrong)
          .sendJsonObject(new JsonObject())
          .await(30, SECONDS);
      node.get("/api/operator/publish/failed", wrong).await(30, SECONDS);
      node.get("/api/operator/publish/failed", OPERATOR_TOKEN).await(30, SECONDS);

      SyncPeer editor =
          SyncPeer.connect(sockets, node.port(), tokens.getString("editor"), documentId, "editor")
              .await(30, SECONDS);
      editor.append("[edit]").await(30, SECONDS);
      SyncPeer viewer =
          SyncPeer.connect(sockets, node.port(), tokens.getString("viewer"), documentId, "viewer")
              .await(30, SECONDS);
      viewer.append("[refused]");
      WirePeer.connect(sockets, node.port(), wrong).otherwiseEmpty().await(30, SECONDS);
      WirePeer.connect(
              sockets,
              new WebSocketConnectOptions()
                  .setHost("127.0.0.1")
                  .setPort(node.port())
                  .setURI("/sync?token=" + tokens.getString("editor"))
                  .addHeader("origin", "https://evil.example"))
          .otherwiseEmpty()
          .await(30, SECONDS);
      node.post("/api/meetings/" + id + "/close", tokens.getString("editor"), null)
          .await(30, SECONDS);
      node.post(
              "/api/meetings/" + id + "/close",
              tokens.getString("chair"),
              new JsonObject().put("by", "Ada"))
          .await(30, SECONDS);
      editor.close();
      viewer.close();
      String metrics = node.get("/metrics", null).await(30, SECONDS).bodyAsString();

      assertThat(logs.list).as("log lines were captured").hasSizeGreaterThan(10);
      for (ILoggingEvent event : logs.list) {
        String line =
            event.getFormattedMessage()
                + (event.getThrowableProxy() == null
                    ? ""
                    : ThrowableProxyUtil.asString(event.getThrowableProxy()));
        for (String secret : secrets) {
          assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(secret);
        }
      }
      for (String secret : secrets) {
        assertThat(metrics).doesNotContain(secret);
      }
    } finally {
      root.setLevel(level);
      root.detachAppender(logs);
    }
  }

  @Test
  @DisplayName("request bodies past the limit are refused with 413, on every route that reads one")
  void bodiesAreBounded() throws Exception {
    Buffer large = Buffer.buffer(new byte[65536 + 1]);
    for (String path : List.of("/api/meetings", "/api/meetings/import", "/api/meetings/x/close")) {
      HttpResponse<Buffer> response =
          node.http()
              .post(node.port(), "127.0.0.1", path)
              .bearerTokenAuthentication(CREATE_TOKEN)
              .putHeader("content-type", "text/markdown")
              .sendBuffer(large)
              .await(30, SECONDS);
      assertThat(response.statusCode()).as(path).isEqualTo(413);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("body_too_large");
    }
  }

  @Test
  @DisplayName("request lines and headers past Vert.x' limits are refused before any route runs")
  void headersAreBounded() throws Exception {
    HttpResponse<Buffer> longLine =
        node.http()
            .get(node.port(), "127.0.0.1", "/health/live?x=" + "a".repeat(8192))
            .send()
            .await(30, SECONDS);
    assertThat(longLine.statusCode()).isEqualTo(414);
    HttpResponse<Buffer> bigHeader =
        node.http()
            .get(node.port(), "127.0.0.1", "/health/live")
            .putHeader("x-large", "a".repeat(16384))
            .send()
            .await(30, SECONDS);
    assertThat(bigHeader.statusCode()).isEqualTo(431);
  }

  @Test
  @DisplayName("every response carries the security headers; the CSP allows no inline script")
  void securityHeaders() throws Exception {
    for (String path : List.of("/", "/m/some-meeting", "/health/live", "/api/meetings/nope")) {
      HttpResponse<Buffer> response = node.get(path, null).await(30, SECONDS);
      String csp = response.getHeader("content-security-policy");
      assertThat(csp)
          .as(path)
          .contains("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'");
      String scripts = csp.replaceAll(".*script-src ([^;]*).*", "$1");
      assertThat(scripts)
          .as(path)
          .doesNotContain("'unsafe-inline'")
          .doesNotContain("*")
          .doesNotContain("data:");
      assertThat(response.getHeader("x-content-type-options")).isEqualTo("nosniff");
      assertThat(response.getHeader("referrer-policy")).isEqualTo("no-referrer");
      assertThat(response.getHeader("x-frame-options")).isEqualTo("DENY");
    }
  }

  @Test
  @DisplayName(
      "the page (its source, and the built one when served) has no inline script and no inline event handler")
  void pageHasNoInlineScript() throws Exception {
    List<String> pages = new ArrayList<>(List.of(Files.readString(Path.of("frontend/index.html"))));
    HttpResponse<Buffer> served = node.get("/", null).await(30, SECONDS);
    if (served.statusCode()
        == 200) { // built unless the build ran with -Dnpm.skip and no earlier dist
      pages.add(served.bodyAsString());
    }
    for (String html : pages) {
      assertThat(html).containsPattern("<script[^>]*src=");
      assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>\\s*\\S");
      assertThat(html).doesNotContainPattern("\\son[a-z]+\\s*=");
      assertThat(html).doesNotContainIgnoringCase("javascript:");
    }
  }
}
