package dev.minutes.sync;

import dev.minutes.store.RedisEphemeralBus;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.ProtocolMessage;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence messages to and from the other nodes that hold the same documents, as protocol frames
 * exactly as a client sent them, over the store's best-effort bus. Each receiving session
 * de-duplicates by count as it does for local peers, so the echoes that clients re-forward are
 * dropped on every node.
 */
public final class PresenceAcrossNodes implements EphemeralRelay {
  private static final Logger log = LoggerFactory.getLogger(PresenceAcrossNodes.class);

  private final RedisEphemeralBus bus;

  public PresenceAcrossNodes(RedisEphemeralBus bus) {
    this.bus = bus;
  }

  @Override
  public void publish(Ephemeral message) {
    bus.publish(message.documentId(), MessageCodec.encode(message));
  }

  /** Listens; {@code deliver} runs on the calling context for each message from another node. */
  public Future<Void> start(Consumer<Ephemeral> deliver) {
    return bus.start(
        frame -> {
          Ephemeral message = decode(frame);
          if (message != null) {
            deliver.accept(message);
          }
        });
  }

  private static Ephemeral decode(byte[] frame) {
    try {
      ProtocolMessage message = MessageCodec.decode(frame);
      if (message instanceof Ephemeral ephemeral) {
        return ephemeral;
      }
      log.warn("ignoring a relayed {} that is not a presence message", message.type());
    } catch (MalformedMessageException e) {
      log.warn("ignoring a malformed presence relay frame: {}", e.getMessage());
    }
    return null;
  }
}
