package dev.minutes.support;

import io.vertx.core.json.JsonObject;

/**
 * A command the Node process answered with {@code "ok":false}. The whole reply stays available:
 * besides {@code error} it may carry details, e.g. {@code unavailable} and {@code elapsedMs} of a
 * failed {@code find}.
 */
public final class NodeCommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient JsonObject reply;

  public NodeCommandException(JsonObject command, JsonObject reply) {
    super(command.getString("cmd") + " failed: " + reply.getString("error"));
    this.reply = reply;
  }

  public JsonObject reply() {
    return reply;
  }

  public String error() {
    return reply.getString("error", "");
  }
}
