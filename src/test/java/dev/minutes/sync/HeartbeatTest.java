package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.RawPeer;
import dev.minutes.support.RunningNode;
import dev.minutes.support.TestMeeting;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dead sockets (a half-open TCP connection, a laptop gone to sleep) must not keep document links
 * and native sync states forever: the server pings every {@code MINUTES_SYNC_PING_MS} and closes a
 * socket that answered nothing for a whole interval. Raw protocol clients in Node, one with pongs
 * switched off.
 */
@DisplayName("Sync sockets and pings")
class HeartbeatTest {
  @RegisterExtension
  final RunningNode running =
      RunningNode.create().withSettings(Map.of("MINUTES_SYNC_PING_MS", "300")).withNodeClients();

  @Test
  @DisplayName(
      "a socket that answers no ping is closed with 1001 and its sync state freed; one that answers stays and is still served")
  void silentSocketIsClosed() throws TimeoutException {
    TestMeeting meeting =
        TestMeeting.from(await(running.node().createMeeting(TestMeeting.request("Ada"))));
    try (RawPeer silent =
            RawPeer.connect(
                running.vertx(), running.node().syncUrl(meeting.editorToken()), "silent", false);
        RawPeer lively =
            RawPeer.connect(
                running.vertx(), running.node().syncUrl(meeting.editorToken()), "lively", true)) {
      openDocument(silent, meeting);
      openDocument(lively, meeting);
      assertThat(running.node().node().natives().liveSyncStates()).isEqualTo(2);

      JsonObject closed = await(silent.closed());

      assertThat(closed.getInteger("code")).isEqualTo(1001);
      assertThat(closed.getString("reason")).isEqualTo("no answer to ping");
      Await.until(
          "one sync state live", () -> running.node().node().natives().liveSyncStates() == 1);
      assertThat(await(running.node().metric("minutes_sync_silent_sockets_closed_total")))
          .isEqualTo(1.0);
      // Two more pings later the answering socket is still open, and the server still answers it.
      await(lively.client().awaitNextEvent(isEvent("ping")));
      await(lively.client().awaitNextEvent(isEvent("ping")));
      assertThat(lively.client().events("close")).isEmpty();
      Future<JsonObject> answer = lively.nextMessage("sync");
      await(lively.send(lively.syncMessage("sync", meeting.documentId(), RawPeer.EMPTY_SYNC_HEX)));
      assertThat(await(answer).getString("documentId")).isEqualTo(meeting.documentId());
    }
  }

  /** Joins and requests the meeting's document; completes with the server's first sync message. */
  private void openDocument(RawPeer peer, TestMeeting meeting) throws TimeoutException {
    await(peer.join());
    Future<JsonObject> first = peer.nextMessage("sync");
    await(peer.request(meeting.documentId()));
    await(first);
  }
}
