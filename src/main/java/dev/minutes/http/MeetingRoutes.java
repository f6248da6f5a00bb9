package dev.minutes.http;

import dev.minutes.meeting.CreatedMeeting;
import dev.minutes.meeting.MeetingException;
import dev.minutes.meeting.MeetingRequest;
import dev.minutes.meeting.MeetingService;
import dev.minutes.meeting.Role;
import dev.minutes.meeting.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * The meetings API of docs/contract.md §3. Handlers only translate HTTP; {@link MeetingService}
 * decides.
 */
final class MeetingRoutes {
  /** What an imported minutes file may be sent as; "" is a request without a Content-Type. */
  private static final Set<String> IMPORTABLE_MEDIA_TYPES =
      Set.of("text/markdown", "text/plain", "");

  private final MeetingService meetings;
  private final Optional<String> createToken;
  private final LinkBase links;

  MeetingRoutes(MeetingService meetings, Optional<String> createToken, LinkBase links) {
    this.meetings = meetings;
    this.createToken = createToken;
    this.links = links;
  }

  void mount(Router router, long maxBodyBytes) {
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post("/api/meetings").handler(bodies).handler(this::create);
    router.post("/api/meetings/import").handler(bodies).handler(this::importMinutes);
    router.get("/api/meetings/:id").handler(this::view);
    router.get("/api/meetings/:id/minutes.md").handler(this::minutes);
    router.post("/api/meetings/:id/close").handler(bodies).handler(this::close);
    router.post("/api/meetings/:id/reopen").handler(bodies).handler(this::reopen);
    router.route("/api/*").handler(MeetingRoutes::noSuchRoute);
    router.route("/api/*").failureHandler(ApiErrors::handle);
  }

  private void create(RoutingContext ctx) {
    respond(
        ctx,
        requireCreateToken(ctx, createToken)
            .compose(
                v -> {
                  JsonObject json = ctx.body().isEmpty() ? new JsonObject() : jsonBody(ctx);
                  return meetings.create(MeetingRequest.fromJson(json));
                })
            .map(created -> created(ctx, created)),
        201);
  }

  private void importMinutes(RoutingContext ctx) {
    respond(
        ctx,
        requireCreateToken(ctx, createToken)
            .compose(
                v -> {
                  String contentType =
                      Optional.ofNullable(ctx.request().getHeader("content-type")).orElse("");
                  String mediaType =
                      contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
                  // No header at all: a client sending the file's bytes as they are.
                  if (!IMPORTABLE_MEDIA_TYPES.contains(mediaType)) {
                    return Future.failedFuture(
                        new MeetingException(
                            MeetingException.Kind.UNSUPPORTED_MEDIA_TYPE,
                            "unsupported_media_type",
                            "send the minutes file as text/markdown; got '" + mediaType + "'"));
                  }
                  return meetings.importMinutes(
                      utf8(
                          ctx.body().buffer() == null
                              ? new byte[0]
                              : ctx.body().buffer().getBytes()));
                })
            .map(created -> created(ctx, created)),
        201);
  }

  private void view(RoutingContext ctx) {
    respond(
        ctx,
        Future.<Void>succeededFuture()
            .map(v -> earlierWhileLoading(ctx))
            .compose(earlier -> meetings.view(ctx.pathParam("id"), bearer(ctx), earlier)),
        200);
  }

  /**
   * {@code ?whileLoading=earlier}: a page that takes the text of a moment ago (with its heads)
   * rather than wait while a long history loads.
   */
  private static boolean earlierWhileLoading(RoutingContext ctx) {
    String value = ctx.request().getParam("whileLoading");
    if (value == null) {
      return false;
    }
    if (value.equals("earlier")) {
      return true;
    }
    throw new MeetingException(
        MeetingException.Kind.INVALID,
        "invalid_whileLoading",
        "whileLoading may only be 'earlier', got '" + value + "'");
  }

  private void minutes(RoutingContext ctx) {
    Optional<Integer> revision;
    try {
      revision = revision(ctx);
    } catch (MeetingException e) {
      ctx.fail(e);
      return;
    }
    meetings
        .minutes(ctx.pathParam("id"), bearer(ctx), revision)
        .onSuccess(
            text ->
                ctx.response().putHeader("content-type", "text/markdown; charset=utf-8").end(text))
        .onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    respond(
        ctx,
        Future.<Void>succeededFuture()
            .map(v -> closedBy(ctx))
            .compose(by -> meetings.close(ctx.pathParam("id"), bearer(ctx), by)),
        200);
  }

  private void reopen(RoutingContext ctx) {
    respond(
        ctx,
        Future.<Void>succeededFuture()
            .map(v -> closedBy(ctx))
            .compose(by -> meetings.reopen(ctx.pathParam("id"), bearer(ctx), by)),
        200);
  }

  /** {@code ?revision=n} of minutes.md: a published revision, 1 or more. */
  private static Optional<Integer> revision(RoutingContext ctx) {
    String value = ctx.request().getParam("revision");
    if (value == null) {
      return Optional.empty();
    }
    try {
      int revision = Integer.parseInt(value.strip());
      if (revision >= 1) {
        return Optional.of(revision);
      }
    } catch (NumberFormatException e) {
      // refused below, like a revision below 1
    }
    throw new MeetingException(
        MeetingException.Kind.INVALID,
        "invalid_revision",
        "revision must be a whole number from 1, got '" + value + "'");
  }

  /** The optional {@code by} of a close or reopen body: who did it, one line of text. */
  private static Optional<String> closedBy(RoutingContext ctx) {
    if (ctx.body().isEmpty()) {
      return Optional.empty();
    }
    Object by = jsonBody(ctx).getValue("by");
    if (by == null) {
      return Optional.empty();
    }
    if (!(by instanceof String text)
        || text.length() > 500
        || text.strip().lines().count() > 1
        || text.chars().anyMatch(Character::isISOControl)) {
      throw new MeetingException(
          MeetingException.Kind.INVALID, "invalid_by", "by must be one line of text (a name)");
    }
    return Optional.of(text.strip()).filter(s -> !s.isEmpty());
  }

  /**
   * Anything under /api that no route serves: a known path with another method is 405, the rest
   * 404.
   */
  private static void noSuchRoute(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    boolean known =
        path.matches("/api/meetings(/import)?")
            || path.matches("/api/meetings/[^/]+(/minutes\\.md|/close|/reopen|/export)?")
            || path.matches("/api/series(/[^/]+(/meetings)?)?");
    if (known) {
      ApiErrors.send(
          ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + path);
    } else {
      ApiErrors.send(ctx, 404, "not_found", "no API route " + path);
    }
  }

  /** Creating needs the creation token when one is configured (meetings and series alike). */
  static Future<Void> requireCreateToken(RoutingContext ctx, Optional<String> createToken) {
    if (createToken.isEmpty()) {
      return Future.succeededFuture();
    }
    String presented = bearer(ctx);
    if (presented == null) {
      return Future.failedFuture(
          new MeetingException(
              MeetingException.Kind.UNAUTHORIZED,
              "missing_token",
              "creating meetings needs the creation token as 'Authorization: Bearer <token>'"));
    }
    if (!Tokens.matches(presented, Tokens.hash(createToken.get()))) {
      return Future.failedFuture(
          new MeetingException(
              MeetingException.Kind.UNAUTHORIZED,
              "invalid_token",
              "the creation token is not valid"));
    }
    return Future.succeededFuture();
  }

  private JsonObject created(RoutingContext ctx, CreatedMeeting meeting) {
    return createdJson(links.of(ctx), meeting);
  }

  /** The 201 body of a created meeting (docs/contract.md §3), links based at {@code base}. */
  static JsonObject createdJson(String base, CreatedMeeting meeting) {
    JsonObject tokens = new JsonObject();
    meeting.tokens().forEach((role, token) -> tokens.put(role.label(), token));
    return new JsonObject()
        .put("id", meeting.id())
        .put("documentUrl", meeting.documentUrl())
        .put("status", meeting.status())
        .put("tokens", tokens)
        .put(
            "links",
            new JsonObject()
                .put("chair", link(base, meeting, Role.CHAIR))
                .put("edit", link(base, meeting, Role.EDITOR))
                .put("view", link(base, meeting, Role.VIEWER)))
        .put("date", meeting.date())
        .put("notes", new JsonArray(meeting.notes()));
  }

  /**
   * Page links carry the token in the fragment, which browsers never send to servers or in Referer.
   */
  private static String link(String base, CreatedMeeting meeting, Role role) {
    return base + "/m/" + meeting.id() + "#token=" + meeting.tokens().get(role);
  }

  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    Object value;
    try {
      value = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      value = null;
    }
    if (value == null) {
      throw new MeetingException(
          MeetingException.Kind.INVALID, "malformed_json", "the body must be a JSON object");
    }
    return (JsonObject) value;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MeetingException(
          MeetingException.Kind.INVALID, "invalid_encoding", "the file is not valid UTF-8");
    }
  }

  static void respond(RoutingContext ctx, Future<JsonObject> result, int status) {
    result
        .onSuccess(
            json ->
                ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(json.encode()))
        .onFailure(ctx::fail);
  }
}
