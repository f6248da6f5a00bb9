package dev.minutes.bench;

import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Sync;
import dev.minutes.sync.codec.SyncMessageInspector;
import dev.minutes.sync.codec.SyncMessageSummary;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The wire codec on one {@code sync} message, as every keystroke produces one per peer: encode,
 * decode, and the header inspection the server runs before handing data to Automerge.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

  /**
   * Size of the Automerge sync message inside: a keystroke (~200 B) or a whole document (~20 kB).
   */
  @Param({"200", "20000"})
  public int dataBytes;

  private Sync message;
  private byte[] frame;

  @Setup
  public void prepare() {
    byte[] data = new byte[dataBytes];
    new Random(42).nextBytes(data);
    // A valid-looking v1 header with one head, so the inspector reads the whole message.
    data[0] = 0x42;
    data[1] = 1;
    data[34] = 0;
    data[35] = 1;
    data[36] = 0;
    data[37] = 0;
    data[38] = 1;
    writeChunkLength(data, 39);
    message = new Sync("peer-bench-client", "minutes-server", DocumentIds.newId(), data);
    frame = MessageCodec.encode(message);
    if (!java.util.Arrays.equals(JacksonFrames.encodeSync(message), frame)
        || !JacksonFrames.decodeSync(frame).equals(MessageCodec.decode(frame))) {
      throw new IllegalStateException("both codecs must read and write the same frame");
    }
    if (SyncMessageInspector.inspect(data).changeCount() != 1) {
      throw new IllegalStateException("the benchmark message should hold one change");
    }
  }

  /**
   * LEB128 length at {@code at} of the single change chunk, which runs to the end of the message.
   */
  private static void writeChunkLength(byte[] data, int at) {
    for (int lengthBytes = 1; lengthBytes <= 3; lengthBytes++) {
      int length = data.length - at - lengthBytes;
      if (length < 1 << (7 * lengthBytes)) {
        for (int i = 0; i < lengthBytes; i++) {
          int group = (length >>> (7 * i)) & 0x7f;
          data[at + i] = (byte) (i < lengthBytes - 1 ? group | 0x80 : group);
        }
        return;
      }
    }
    throw new IllegalArgumentException("message too long for this benchmark");
  }

  @Benchmark
  public byte[] encode() {
    return MessageCodec.encode(message);
  }

  @Benchmark
  public ProtocolMessage decode() {
    return MessageCodec.decode(frame);
  }

  /** The same frame read with jackson-dataformat-cbor (see {@link JacksonFrames}). */
  @Benchmark
  public Sync decodeWithJackson() {
    return JacksonFrames.decodeSync(frame);
  }

  @Benchmark
  public byte[] encodeWithJackson() {
    return JacksonFrames.encodeSync(message);
  }

  @Benchmark
  public SyncMessageSummary inspect() {
    return SyncMessageInspector.inspect(message.data());
  }
}
