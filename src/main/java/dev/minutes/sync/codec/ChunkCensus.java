package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * How much concatenated Automerge chunks (what a sync message carries, a log entry, a snapshot) can
 * add to a document, read without Automerge: the number of changes, and an upper bound on the
 * elements they insert into texts and lists. A session checks both against the meeting's limits
 * before any of it reaches Automerge, whose memory per character is large: one pasted megabyte
 * would cost the node hundreds of megabytes before anything could measure the text.
 *
 * <p>Chunk layout ({@code docs/protocol.md} §9): {@code magic · checksum · type · LEB128 length ·
 * body}. Type 1 is a change: dependencies, actor, seq, start op, time, message, other actors, then
 * op columns (a count, {@code (spec, length)} pairs, the data). Type 2 is a change whose body is
 * DEFLATE-compressed. Type 0 is a whole document: actors, heads, change columns and op columns
 * metadata, then their data; its change count is the rows of its actor column. Every inserted
 * character is one op with the insert flag, so the true runs of the boolean insert column bound
 * what a chunk adds to the body (a document chunk counts every insert of its history, deleted ones
 * included). Compressed bodies and columns are inflated to at most {@link #MAX_INFLATED} bytes;
 * more is {@link #oversized()}.
 *
 * @param changeChunks what the change chunks (types 1 and 2) hold
 * @param documents what the document chunks (type 0) hold: a whole history, usually much of it
 *     already known to the receiver (automerge 3 sends one while it believes the other side holds
 *     nothing)
 * @param oversized a compressed part inflates to more than {@link #MAX_INFLATED} bytes
 */
public record ChunkCensus(Tally changeChunks, Tally documents, boolean oversized) {
  /** Far above any change a person makes (200,000 characters take about 1 MiB). */
  public static final int MAX_INFLATED = 16 * 1024 * 1024;

  public static final ChunkCensus NONE = new ChunkCensus(Tally.ZERO, Tally.ZERO, false);

  /**
   * Changes, and an upper bound on the text or list elements they insert.
   *
   * @param changes the number of changes
   * @param inserted insert ops among them (each inserted character is one)
   */
  public record Tally(long changes, long inserted) {
    public static final Tally ZERO = new Tally(0, 0);

    public Tally plus(Tally other) {
      return new Tally(changes + other.changes, inserted + other.inserted);
    }
  }

  /** Both kinds of chunk together. */
  public Tally total() {
    return changeChunks.plus(documents);
  }

  private static final int TYPE_DOCUMENT = 0;
  private static final int TYPE_CHANGE = 1;
  private static final int TYPE_COMPRESSED_CHANGE = 2;
  private static final int DEFLATED = 0x08;

  /** Column specs: column id << 4 | encoding (1 actor, 4 boolean). */
  private static final int ACTOR_COLUMN = 0x01;

  private static final int INSERT_COLUMN = 0x34;

  /**
   * Counts the chunks of {@code concatenated}.
   *
   * @throws MalformedMessageException if a chunk is not well formed
   */
  public static ChunkCensus of(byte[] concatenated) {
    ChunkCensus total = NONE;
    Leb128.Reader in = new Leb128.Reader(concatenated, 0, "chunk");
    while (in.remaining() > 0) {
      in.skip(8); // magic and checksum: Automerge checks them when it applies the chunk
      int type = in.u8();
      byte[] body = in.bytes(in.unsigned());
      total = total.plus(ofBody(type, body));
    }
    return total;
  }

  public ChunkCensus plus(ChunkCensus other) {
    return new ChunkCensus(
        changeChunks.plus(other.changeChunks),
        documents.plus(other.documents),
        oversized || other.oversized);
  }

  private static ChunkCensus change(long inserted) {
    return new ChunkCensus(new Tally(1, inserted), Tally.ZERO, false);
  }

  private static ChunkCensus oversizedPart() {
    return new ChunkCensus(Tally.ZERO, Tally.ZERO, true);
  }

  private static ChunkCensus ofBody(int type, byte[] body) {
    return switch (type) {
      case TYPE_CHANGE -> ofChange(body);
      case TYPE_COMPRESSED_CHANGE -> {
        byte[] inflated = inflate(body);
        yield inflated == null ? oversizedPart() : ofChange(inflated);
      }
      case TYPE_DOCUMENT -> ofDocument(body);
      default -> throw new MalformedMessageException("chunk: unknown chunk type " + type);
    };
  }

  private static ChunkCensus ofChange(byte[] body) {
    Leb128.Reader in = new Leb128.Reader(body, 0, "change chunk");
    in.skip(32 * in.unsigned()); // dependencies
    in.skip(in.unsigned()); // actor
    in.unsigned(); // seq
    in.unsigned(); // start op
    in.signed(); // time
    in.skip(in.unsigned()); // message
    long otherActors = in.unsigned();
    for (long i = 0; i < otherActors; i++) {
      in.skip(in.unsigned());
    }
    Columns ops = Columns.read(in);
    ColumnData insert = ops.find(in, INSERT_COLUMN);
    return insert.oversized() ? oversizedPart() : change(trueRows(insert.bytes()));
  }

  private static ChunkCensus ofDocument(byte[] body) {
    Leb128.Reader in = new Leb128.Reader(body, 0, "document chunk");
    long actors = in.unsigned();
    for (long i = 0; i < actors; i++) {
      in.skip(in.unsigned());
    }
    in.skip(32 * in.unsigned()); // heads
    Columns changeColumns = Columns.read(in);
    Columns opColumns = Columns.read(in);
    ColumnData actor = changeColumns.find(in, ACTOR_COLUMN);
    in.skip(changeColumns.totalLength());
    ColumnData insert = opColumns.find(in, INSERT_COLUMN);
    if (actor.oversized() || insert.oversized()) {
      return oversizedPart();
    }
    Tally whole = new Tally(rleRows(actor.bytes()), trueRows(insert.bytes()));
    return new ChunkCensus(Tally.ZERO, whole, false);
  }

  /** A boolean column: run lengths, alternately false and true, starting with false. */
  private static long trueRows(byte[] column) {
    Leb128.Reader in = new Leb128.Reader(column, 0, "boolean column");
    long rows = 0;
    boolean value = false;
    while (in.remaining() > 0) {
      long run = in.unsigned();
      if (value) {
        rows += run;
      }
      value = !value;
    }
    return rows;
  }

  private static long rleRows(byte[] column) {
    return rleRows(new Leb128.Reader(column, 0, "run-length column"), column.length);
  }

  /**
   * Rows of a run-length encoded column read from {@code in} up to {@code end}: runs {@code (n,
   * value)}, literals {@code (-n, n values)}, nulls {@code (0, n)}.
   */
  public static long rleRows(Leb128.Reader in, int end) {
    long rows = 0;
    while (in.position() < end) {
      long run = in.signed();
      if (run > 0) {
        in.unsigned();
        rows += run;
      } else if (run < 0) {
        for (long i = 0; i < -run; i++) {
          in.unsigned();
        }
        rows -= run;
      } else {
        rows += in.unsigned();
      }
    }
    return rows;
  }

  /** Raw DEFLATE, at most {@link #MAX_INFLATED} bytes; null when there is more. */
  private static byte[] inflate(byte[] compressed) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out =
          new ByteArrayOutputStream(Math.min(compressed.length * 4, 1 << 20));
      byte[] buffer = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new MalformedMessageException("chunk: truncated compressed data");
        }
        if (out.size() + n > MAX_INFLATED) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new MalformedMessageException("chunk: bad compressed data (" + e.getMessage() + ")");
    } finally {
      inflater.end();
    }
  }

  /** Column metadata: specs and lengths, in the order their data follows. */
  private record Columns(int[] specs, long[] lengths) {
    static Columns read(Leb128.Reader in) {
      long count = in.unsigned();
      if (count > in.remaining()) {
        throw new MalformedMessageException("chunk: column count " + count + " exceeds the chunk");
      }
      int[] specs = new int[(int) count];
      long[] lengths = new long[(int) count];
      for (int i = 0; i < count; i++) {
        specs[i] = (int) in.unsigned();
        lengths[i] = in.unsigned();
      }
      return new Columns(specs, lengths);
    }

    long totalLength() {
      long total = 0;
      for (long length : lengths) {
        total = Math.addExact(total, length);
      }
      return total;
    }

    /**
     * The data of the column with {@code spec} (inflated if need be), reading from {@code in}
     * positioned at the first column's data and leaving it there; empty when there is none.
     */
    ColumnData find(Leb128.Reader in, int spec) {
      int start = in.position();
      long offset = 0;
      for (int i = 0; i < specs.length; i++) {
        if ((specs[i] & ~DEFLATED) == spec) {
          Leb128.Reader at = in.copyAt(start);
          at.skip(offset);
          byte[] data = at.bytes(lengths[i]);
          if ((specs[i] & DEFLATED) == 0) {
            return new ColumnData(data, false);
          }
          byte[] inflated = inflate(data);
          return inflated == null
              ? new ColumnData(new byte[0], true)
              : new ColumnData(inflated, false);
        }
        offset = Math.addExact(offset, lengths[i]);
      }
      return new ColumnData(new byte[0], false);
    }
  }

  private record ColumnData(byte[] bytes, boolean oversized) {}
}
