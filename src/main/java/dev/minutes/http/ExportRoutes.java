package dev.minutes.http;

import dev.minutes.meeting.ExportFormat;
import dev.minutes.meeting.MeetingException;
import dev.minutes.meeting.MeetingService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/meetings/{id}/export?format=md|json|automerge} (docs/contract.md §3): a meeting,
 * open or closed, as a file to download, for any of its tokens.
 */
final class ExportRoutes {
  private final MeetingService meetings;

  ExportRoutes(MeetingService meetings) {
    this.meetings = meetings;
  }

  /**
   * Mount before the meetings routes: they end with the catch-all of unknown {@code /api} paths.
   */
  void mount(Router router) {
    router.get("/api/meetings/:id/export").handler(this::export);
  }

  private void export(RoutingContext ctx) {
    ExportFormat format;
    try {
      format = ExportFormat.parse(ctx.queryParams().get("format"));
    } catch (MeetingException e) {
      ctx.fail(e);
      return;
    }
    meetings
        .export(ctx.pathParam("id"), MeetingRoutes.bearer(ctx), format)
        .onSuccess(
            exported ->
                ctx.response()
                    .putHeader("content-type", exported.format().contentType())
                    .putHeader("content-disposition", exported.contentDisposition())
                    .end(Buffer.buffer(exported.bytes())))
        .onFailure(ctx::fail);
  }
}
