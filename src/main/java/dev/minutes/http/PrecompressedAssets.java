package dev.minutes.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a file under {@code /assets/} from the copy the page's build compressed beside it ({@code
 * name.br}, {@code name.gz}) when the browser accepts that encoding. Compressing on the fly cost
 * the server most of a second of CPU for each first visit (Automerge's wasm is 3.6 MB), on the
 * event loop that also answers the page's API calls; the build compresses once, and harder
 * (brotli). A file without a compressed copy, or a client that accepts neither, goes on to the
 * plain files.
 */
final class PrecompressedAssets {
  /** Encodings in the order they are preferred, each with the suffix of its copy. */
  private static final List<Encoding> ENCODINGS =
      List.of(new Encoding("br", ".br"), new Encoding("gzip", ".gz"));

  /** The kinds of file the build compresses, by extension (the copy's own name says "br"/"gz"). */
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "js", "text/javascript;charset=UTF-8",
          "css", "text/css;charset=UTF-8",
          "wasm", "application/wasm",
          "svg", "image/svg+xml");

  record Encoding(String name, String suffix) {}

  private PrecompressedAssets() {}

  static void serve(RoutingContext ctx) {
    String path = ctx.normalizedPath(); // under /assets/: the route's path
    Optional<Encoding> encoding = preferred(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING));
    String contentType = CONTENT_TYPES.get(path.substring(path.lastIndexOf('.') + 1));
    if (encoding.isEmpty() || contentType == null) {
      ctx.next();
      return;
    }
    HttpServerResponse response = ctx.response();
    MultiMap headers = response.headers();
    headers
        .set(HttpHeaders.CONTENT_TYPE, contentType)
        .set(HttpHeaders.CONTENT_ENCODING, encoding.get().name())
        .set(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    response
        .sendFile(PageRoutes.WEBROOT + path + encoding.get().suffix())
        .onFailure(
            noCopy -> {
              if (!response.headWritten()) {
                headers
                    .remove(HttpHeaders.CONTENT_TYPE)
                    .remove(HttpHeaders.CONTENT_ENCODING)
                    .remove(HttpHeaders.VARY);
                ctx.next();
              }
            });
  }

  /**
   * The most preferred encoding that {@code Accept-Encoding} allows: listed by name, or covered by
   * {@code *}, and never one listed with {@code q=0}.
   */
  static Optional<Encoding> preferred(String acceptEncoding) {
    if (acceptEncoding == null) {
      return Optional.empty();
    }
    Map<String, Boolean> listed = new HashMap<>(); // coding -> accepted (false: q=0)
    for (String element : acceptEncoding.split(",")) {
      String[] parts = element.split(";");
      listed.put(parts[0].trim().toLowerCase(Locale.ROOT), !refused(parts));
    }
    boolean anyOther = listed.getOrDefault("*", false);
    return ENCODINGS.stream().filter(e -> listed.getOrDefault(e.name(), anyOther)).findFirst();
  }

  /** Whether an {@code Accept-Encoding} element's parameters give it the weight zero. */
  private static boolean refused(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("q=") && isZero(parameter.substring(2))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isZero(String weight) {
    try {
      return Double.parseDouble(weight) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
