package dev.minutes.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The page's files as a browser gets them: cache headers, and the page's own 404. */
@DisplayName("The page's files")
@Timeout(60)
class PageRoutesTest {
  private static final Path BUILT = Path.of("target/classes/webroot");
  private static final String HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    assertThat(BUILT.resolve("index.html"))
        .as("the page is built into target/classes/webroot by the Maven build (frontend profile)")
        .exists();
    vertx = Vertx.vertx();
    node = TestNode.start(vertx, RedisHarness.newPrefix(), Map.of()).await(30, SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "index.html (for /, /m/… and itself) and the service worker revalidate on every load, so an upgrade reaches browsers at once")
  void pageRevalidates() throws Exception {
    for (String path : List.of("/", "/index.html", "/m/some-meeting", "/sw.js")) {
      HttpResponse<Buffer> page = get(path, HTML);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.getHeader("cache-control")).as(path).isEqualTo("no-cache");
      assertThat(page.bodyAsString())
          .as(path)
          .contains(path.equals("/sw.js") ? "workbox" : "<div id=\"app\"");
      String lastModified = page.getHeader("last-modified");
      assertThat(lastModified).as("%s can be revalidated cheaply", path).isNotBlank();

      HttpResponse<Buffer> revalidated =
          node.http()
              .get(node.port(), "127.0.0.1", path)
              .putHeader("accept", HTML)
              .putHeader("if-modified-since", lastModified)
              .send()
              .await(30, SECONDS);
      assertThat(revalidated.statusCode()).as(path).isEqualTo(304);
      assertThat(revalidated.getHeader("cache-control")).as(path).isEqualTo("no-cache");
    }
  }

  @Test
  @DisplayName("hashed assets under /assets/ are cached for a year as immutable")
  void assetsAreImmutable() throws Exception {
    for (String asset : assetNames()) {
      HttpResponse<Buffer> response = get("/assets/" + asset, "*/*");
      assertThat(response.statusCode()).as(asset).isEqualTo(200);
      assertThat(response.getHeader("cache-control"))
          .as(asset)
          .isEqualTo("public, max-age=31536000, immutable");
    }
  }

  @Test
  @DisplayName(
      "a browser that accepts brotli gets each asset as the build compressed it, typed as the file it stands for")
  void assetsComeCompressedByTheBuild() throws Exception {
    List<String> compressed = compressedAssets();
    assertThat(compressed)
        .as("the build compresses the page's script and Automerge's wasm")
        .anyMatch(n -> n.endsWith(".js"))
        .anyMatch(n -> n.endsWith(".wasm"));
    for (String asset : compressed) {
      HttpResponse<Buffer> response = get("/assets/" + asset, "*/*", "gzip, deflate, br, zstd");
      assertThat(response.statusCode()).as(asset).isEqualTo(200);
      assertThat(response.getHeader("content-encoding")).as(asset).isEqualTo("br");
      assertThat(response.getHeader("vary")).as(asset).isEqualToIgnoringCase("accept-encoding");
      assertThat(response.getHeader("content-type")).as(asset).startsWith(expectedType(asset));
      assertThat(response.getHeader("cache-control")).as(asset).isEqualTo(PageRoutes.IMMUTABLE);
      assertThat(response.body().getBytes())
          .as(asset)
          .isEqualTo(Files.readAllBytes(BUILT.resolve("assets/" + asset + ".br")));
    }
  }

  @Test
  @DisplayName(
      "a client that accepts only gzip gets the gzip copy, which inflates to the asset; one that accepts neither gets the asset as is")
  void otherClientsGetWhatTheyAccept() throws Exception {
    String asset = compressedAssets().get(0);
    byte[] original = Files.readAllBytes(BUILT.resolve("assets/" + asset));

    for (String acceptEncoding : List.of("gzip;q=0.8, br;q=0", "br;q=0, *")) {
      HttpResponse<Buffer> gzip = get("/assets/" + asset, "*/*", acceptEncoding);
      assertThat(gzip.getHeader("content-encoding")).as(acceptEncoding).isEqualTo("gzip");
      try (var inflated = new GZIPInputStream(new ByteArrayInputStream(gzip.body().getBytes()))) {
        assertThat(inflated.readAllBytes()).as(acceptEncoding).isEqualTo(original);
      }
    }
    for (String acceptEncoding : List.of("identity", "br;q=0, gzip;q=0")) {
      HttpResponse<Buffer> plain = get("/assets/" + asset, "*/*", acceptEncoding);
      assertThat(plain.statusCode()).as(acceptEncoding).isEqualTo(200);
      assertThat(plain.getHeader("content-encoding")).as(acceptEncoding).isNull();
      assertThat(plain.body().getBytes()).as(acceptEncoding).isEqualTo(original);
    }
    HttpResponse<Buffer> missing = get("/assets/missing-0000.js", "*/*", "br");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("content-encoding")).isNull();
  }

  @Test
  @DisplayName(
      "an unknown path asked for as HTML gets the page with status 404, so it can show its own not-found view")
  void unknownPathGetsThePageWith404() throws Exception {
    HttpResponse<Buffer> response = get("/nope", HTML);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("content-type")).startsWith("text/html");
    assertThat(response.getHeader("cache-control")).isEqualTo("no-cache");
    assertThat(response.getHeader("content-security-policy")).contains("default-src 'self'");
    assertThat(response.bodyAsString()).contains("<div id=\"app\"");
  }

  @Test
  @DisplayName(
      "an unknown path asked for as anything but HTML, or a missing asset, is a plain 404 nobody caches")
  void otherUnknownPathsArePlain404s() throws Exception {
    for (String path : List.of("/nope", "/assets/missing-0000.js")) {
      HttpResponse<Buffer> response = get(path, "application/json");
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.bodyAsString()).as(path).doesNotContain("<div id=\"app\"");
      assertThat(response.getHeader("cache-control")).as(path).isNotEqualTo(PageRoutes.IMMUTABLE);
    }
    HttpResponse<Buffer> asset = get("/assets/missing-0000.js", HTML);
    assertThat(asset.statusCode()).isEqualTo(404);
    assertThat(asset.getHeader("cache-control")).isEqualTo("no-cache");
  }

  @Test
  @DisplayName("an unknown API route stays a JSON 404, whatever the client accepts")
  void unknownApiRouteIsJson() throws Exception {
    HttpResponse<Buffer> response = get("/api/nope", HTML);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
  }

  private HttpResponse<Buffer> get(String path, String accept) throws TimeoutException {
    return node.http()
        .get(node.port(), "127.0.0.1", path)
        .putHeader("accept", accept)
        .send()
        .await(30, SECONDS);
  }

  private HttpResponse<Buffer> get(String path, String accept, String acceptEncoding)
      throws TimeoutException {
    return node.http()
        .get(node.port(), "127.0.0.1", path)
        .putHeader("accept", accept)
        .putHeader("accept-encoding", acceptEncoding)
        .send()
        .await(30, SECONDS);
  }

  /** The assets the build left a brotli copy of (the copies themselves not counted). */
  private static List<String> compressedAssets() throws IOException {
    return assetNames().stream()
        .filter(name -> Files.exists(BUILT.resolve("assets/" + name + ".br")))
        .toList();
  }

  private static String expectedType(String asset) {
    return Map.of(
            "js", "text/javascript",
            "css", "text/css",
            "wasm", "application/wasm",
            "svg", "image/svg+xml")
        .get(asset.substring(asset.lastIndexOf('.') + 1));
  }

  private static List<String> assetNames() throws IOException {
    try (Stream<Path> files = Files.list(BUILT.resolve("assets"))) {
      List<String> names = files.map(file -> file.getFileName().toString()).sorted().toList();
      assertThat(names).as("the built page has hashed assets").isNotEmpty();
      return names;
    }
  }
}
