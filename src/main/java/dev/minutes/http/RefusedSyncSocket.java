package dev.minutes.http;

import dev.minutes.sync.codec.ErrorMessage;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.ProtocolMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sync connection refused after the upgrade, in the form the official clients handle (contract
 * §4): the socket opens, the server sends one protocol {@code error} naming the reason and closes.
 * A refused upgrade (an HTTP 401) would make automerge-repo's Node adapter throw from its socket
 * event handler, which ends a script's process; an {@code error} message it only logs, and it
 * retries later.
 *
 * <p>The error is addressed to the peer once its {@code join} arrived (the official clients send it
 * as soon as the socket opens). A client that sends something else, or nothing within {@link
 * #JOIN_GRACE_MS}, gets the same error without a target.
 */
final class RefusedSyncSocket {
  private static final Logger log = LoggerFactory.getLogger(RefusedSyncSocket.class);

  /** How long a refused socket waits for the client's join before it refuses anyway. */
  static final long JOIN_GRACE_MS = 5_000;

  /** The close code for a policy violation (a wrong, missing or expired token). */
  static final short POLICY_VIOLATION = 1008;

  /** The close code for "try again later" (the server cannot check tokens right now). */
  static final short TRY_AGAIN_LATER = 1013;

  private final ServerWebSocket socket;
  private final String serverPeerId;
  private final String message;
  private final short closeCode;
  private final String closeReason;
  private boolean refused;

  private RefusedSyncSocket(
      ServerWebSocket socket,
      String serverPeerId,
      String message,
      short closeCode,
      String closeReason) {
    this.socket = socket;
    this.serverPeerId = serverPeerId;
    this.message = message;
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }

  /**
   * Upgrades {@code request} (which must be resumed) and refuses the socket: {@code message} goes
   * to the client, {@code closeCode} and {@code closeReason} (a short label) end the socket. {@code
   * afterClose} runs once the socket is gone, or at once if the upgrade fails.
   */
  static void refuse(
      Vertx vertx,
      HttpServerRequest request,
      String serverPeerId,
      String message,
      short closeCode,
      String closeReason,
      Runnable afterClose) {
    request
        .toWebSocket()
        .onFailure(
            failure -> {
              afterClose.run();
              log.warn("refused sync upgrade failed: {}", failure.getMessage());
            })
        .onSuccess(
            socket -> {
              RefusedSyncSocket refused =
                  new RefusedSyncSocket(socket, serverPeerId, message, closeCode, closeReason);
              socket.exceptionHandler(failure -> refused.refuse(null));
              socket.textMessageHandler(text -> refused.refuse(null));
              socket.binaryMessageHandler(refused::onFrame);
              long timer = vertx.setTimer(JOIN_GRACE_MS, id -> refused.refuse(null));
              socket.closeHandler(
                  v -> {
                    vertx.cancelTimer(timer);
                    afterClose.run();
                  });
            });
  }

  private void onFrame(Buffer frame) {
    String peerId = null;
    try {
      ProtocolMessage first = MessageCodec.decode(frame.getBytes());
      if (first instanceof Join join) {
        peerId = join.senderId();
      }
    } catch (MalformedMessageException e) {
      // Refused all the same, without a target.
    }
    refuse(peerId);
  }

  /** Sends the error (to {@code peerId}, or untargeted when null) and closes; only once. */
  private void refuse(String peerId) {
    if (refused) {
      return;
    }
    refused = true;
    try {
      socket.writeBinaryMessage(
          Buffer.buffer(MessageCodec.encode(new ErrorMessage(serverPeerId, peerId, message))));
      socket.close(closeCode, closeReason);
    } catch (IllegalStateException alreadyClosed) {
      log.debug("refused sync socket closed before the refusal: {}", alreadyClosed.getMessage());
    }
  }
}
