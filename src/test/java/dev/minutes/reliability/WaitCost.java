package dev.minutes.reliability;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.RedisTopology;
import dev.minutes.support.SentinelTopology;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What {@code MINUTES_REDIS_MIN_REPLICAS} costs an append (docs/operations.md): on a primary with
 * one replica and three Sentinels (real Debian processes on loopback), the same appends (64-byte
 * chunks, as a keystroke's change) with 0 and with 1 replica to confirm, first one at a time
 * (latency), then from 16 documents at once (throughput).
 *
 * <pre>
 *   scripts/run-test-main.sh dev.minutes.reliability.WaitCost [APPENDS=2000]
 * </pre>
 */
public final class WaitCost {
  private static final int CONCURRENT_DOCUMENTS = 16;

  private WaitCost() {}

  public static void main(String[] args) throws Exception {
    int appends = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Vertx vertx = Vertx.vertx();
    try (SentinelTopology redis = SentinelTopology.start()) {
      RedisTopology topology =
          new RedisTopology.Sentinel(
              RedisTopology.parseAddresses(redis.sentinelsSetting()), SentinelTopology.MASTER);
      for (int round = 0; round < 2; round++) {
        for (int minReplicas : new int[] {0, 1}) {
          RedisConnection connection =
              RedisConnection.connect(
                      vertx, topology, "wait-cost-" + UUID.randomUUID() + ":", minReplicas)
                  .await(60, TimeUnit.SECONDS);
          try {
            DocumentStore store = new RedisDocumentStore(connection);
            long[] latencies = sequential(store, appends);
            double perSecond = concurrent(store, appends);
            Arrays.sort(latencies);
            System.out.printf(
                Locale.ROOT,
                "wait-cost round=%d min-replicas=%d appends=%d p50=%.2fms p99=%.2fms"
                    + " mean=%.2fms concurrent(%d docs)=%.0f appends/s%n",
                round + 1,
                minReplicas,
                appends,
                latencies[latencies.length / 2] / 1e6,
                latencies[latencies.length * 99 / 100] / 1e6,
                Arrays.stream(latencies).average().orElse(0) / 1e6,
                CONCURRENT_DOCUMENTS,
                perSecond);
            connection.deleteKeysUnderPrefix().await(60, TimeUnit.SECONDS);
          } finally {
            connection.close().await(30, TimeUnit.SECONDS);
          }
        }
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Appends one after the other to one document; the latency of each. */
  private static long[] sequential(DocumentStore store, int appends) throws Exception {
    String document = "sequential";
    store.create(document, new byte[] {1}).await(30, TimeUnit.SECONDS);
    byte[] chunk = new byte[64];
    long[] latencies = new long[appends];
    for (int i = 0; i < appends; i++) {
      long started = System.nanoTime();
      store.append(document, chunk).await(30, TimeUnit.SECONDS);
      latencies[i] = System.nanoTime() - started;
    }
    return latencies;
  }

  /** The same number of appends spread over documents appending at once, one in flight each. */
  private static double concurrent(DocumentStore store, int appends) throws Exception {
    List<Future<Void>> documents = new ArrayList<>();
    for (int d = 0; d < CONCURRENT_DOCUMENTS; d++) {
      String document = "concurrent-" + d;
      store.create(document, new byte[] {1}).await(30, TimeUnit.SECONDS);
    }
    long started = System.nanoTime();
    for (int d = 0; d < CONCURRENT_DOCUMENTS; d++) {
      Promise<Void> done = Promise.promise();
      appendInTurn(store, "concurrent-" + d, appends / CONCURRENT_DOCUMENTS, done);
      documents.add(done.future());
    }
    Future.all(documents).await(300, TimeUnit.SECONDS);
    return appends / ((System.nanoTime() - started) / 1e9);
  }

  private static void appendInTurn(
      DocumentStore store, String document, int left, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    store
        .append(document, new byte[64])
        .onSuccess(seq -> appendInTurn(store, document, left - 1, done))
        .onFailure(done::fail);
  }
}
