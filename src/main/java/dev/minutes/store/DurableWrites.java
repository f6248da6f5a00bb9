package dev.minutes.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.Codec;

/**
 * The write scripts whose success a client is told (an append, a meeting created or closed). With
 * {@code MINUTES_REDIS_MIN_REPLICAS} at 0 a script is simply run. Above 0, the script and a {@code
 * WAIT} go to the primary in one pipelined batch on one connection (WAIT counts the replicas that
 * hold everything that connection wrote, so it must follow the script on the same connection: a
 * WAIT sent on its own could land on another pooled connection and confirm nothing), and the write
 * succeeds only if WAIT confirmed it on that many replicas within {@link #WAIT_TIMEOUT}. Otherwise
 * it fails as {@link StoreException.Reason#UNAVAILABLE}: the outcome is unknown, nothing is
 * acknowledged, and the caller's retry writes it again (an append repeated is harmless: Automerge
 * drops changes it already has).
 *
 * <p>The script goes as {@code EVALSHA} with its digest; on {@code NOSCRIPT} (a primary that was
 * promoted or restarted since it last saw the script) it is loaded and sent once more. Redisson's
 * own script cache for batches is not used: it remembers scripts per address and never forgets
 * them, so a Redis restarted on the same address would answer NOSCRIPT for good.
 */
final class DurableWrites {

  /**
   * How long a primary may wait for its replicas to confirm one write. Replicas on a LAN confirm in
   * about a round trip; a replica that takes longer is as good as gone for this write.
   */
  static final Duration WAIT_TIMEOUT = Duration.ofSeconds(1);

  private final RedissonClient client;
  private final int minReplicas;
  private final Map<String, String> digests = new ConcurrentHashMap<>();

  DurableWrites(RedissonClient client, int minReplicas) {
    this.client = client;
    this.minReplicas = minReplicas;
  }

  int minReplicas() {
    return minReplicas;
  }

  /**
   * Runs {@code script} on a primary; {@code keys} must share one hash slot. Completes with the
   * script's result once it is as durable as configured.
   */
  <T> CompletionStage<T> eval(
      Codec codec, String script, RScript.ReturnType type, List<Object> keys, Object... args) {
    if (minReplicas == 0) {
      return client
          .getScript(codec)
          .<T>evalAsync(RScript.Mode.READ_WRITE, script, type, keys, args);
    }
    return this.<T>evalAndWait(codec, script, type, keys, args)
        .exceptionallyCompose(
            failure ->
                isNoScript(failure)
                    ? client
                        .getScript(codec)
                        .scriptLoadAsync(script)
                        .thenCompose(loaded -> evalAndWait(codec, script, type, keys, args))
                    : CompletableFuture.failedFuture(failure));
  }

  private <T> CompletionStage<T> evalAndWait(
      Codec codec, String script, RScript.ReturnType type, List<Object> keys, Object[] args) {
    RBatch batch =
        client.createBatch(
            BatchOptions.defaults()
                .sync(minReplicas, WAIT_TIMEOUT)
                .responseTimeout(
                    RedisClientConfig.COMMAND_TIMEOUT_MS + WAIT_TIMEOUT.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS)
                // A retry would only repeat the write; the caller decides whether to.
                .retryAttempts(0));
    batch.getScript(codec).evalShaAsync(RScript.Mode.READ_WRITE, digest(script), type, keys, args);
    return batch.executeAsync().thenApply(this::confirmed);
  }

  @SuppressWarnings("unchecked")
  private <T> T confirmed(BatchResult<?> result) {
    if (result.getSyncedSlaves() < minReplicas) {
      throw new StoreException(
          StoreException.Reason.UNAVAILABLE,
          "Redis confirmed the write on "
              + result.getSyncedSlaves()
              + " of the "
              + minReplicas
              + " replicas MINUTES_REDIS_MIN_REPLICAS asks for within "
              + WAIT_TIMEOUT.toMillis()
              + " ms; not acknowledged");
    }
    return (T) result.getResponses().get(0);
  }

  private String digest(String script) {
    return digests.computeIfAbsent(script, DurableWrites::sha1);
  }

  private static boolean isNoScript(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return String.valueOf(cause.getMessage()).contains("NOSCRIPT");
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
