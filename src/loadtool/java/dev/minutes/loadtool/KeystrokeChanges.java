package dev.minutes.loadtool;

import dev.minutes.sync.codec.ChangeChunk;
import dev.minutes.sync.codec.ChunkCensus;
import dev.minutes.sync.codec.Leb128;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Writes a typist's keystroke, one character inserted into a text, as an Automerge change chunk
 * itself: byte for byte the change automerge 0.5.7 commits for the same splice ({@code
 * KeystrokeChangesTest} compares them).
 *
 * <p>Why: the binding's only way to get the bytes of a local change is {@code encodeChangesSince},
 * and automerge 0.5.7 answers it by computing the vector clock of the given heads, a walk over
 * their ancestors. That costs microseconds while one author types, but milliseconds per keystroke
 * once many authors make the heads concurrent (0.3 / 2 / 5.6 ms at 2k / 10k / 20k changes of ten
 * authors): with 50 authors in one meeting the load tool, not the server, was the limit. Writing
 * the change costs a cursor look-up and one SHA-256.
 *
 * <p>A change needs the author's next sequence number and the document's next op counter. Both are
 * learnt from a change Automerge committed for this author ({@link #learnOwn}) and then kept up to
 * date from every change applied to the document ({@link #observe}). Changes applied without
 * showing them here (Automerge's own sync) make the counters stale: the typist then drops its lean
 * sync, and this with it, or calls {@link #forget}; the next keystroke goes through Automerge
 * again.
 *
 * <p>Not thread safe: used on its typist's context only.
 */
final class KeystrokeChanges {
  // Op column specs: column id << 4 | type (1 actor, 2 ULEB, 3 delta, 4 boolean, 6 value meta, 7
  // raw, 0 group).
  private static final int OBJ_ACTOR = 0x01;
  private static final int OBJ_COUNTER = 0x02;
  private static final int KEY_ACTOR = 0x11;
  private static final int KEY_COUNTER = 0x13;
  private static final int INSERT = 0x34;
  private static final int ACTION = 0x42;
  private static final int VALUE_META = 0x56;
  private static final int VALUE_RAW = 0x57;
  private static final int PRED_GROUP = 0x70;
  private static final int DEFLATED = 0x08;
  private static final int ACTION_SET = 1;
  private static final int VALUE_TYPE_UTF8 = 6;

  /** An RLE column of one literal value starts with the run length -1 (signed LEB128). */
  private static final int ONE_LITERAL = 0x7f;

  private final byte[] actor;
  private long seq;

  /**
   * The hash of this author's change number {@link #seq}: Automerge lists it among a change's
   * dependencies.
   */
  private byte[] lastOwn;

  private long maxOp;
  private boolean known;

  KeystrokeChanges(byte[] actor) {
    this.actor = actor.clone();
  }

  /** Whether the counters are known, i.e. {@link #insert} can write the next change. */
  boolean ready() {
    return known;
  }

  /**
   * Takes the counters from a change Automerge committed for this author (the document's newest).
   */
  void learnOwn(ChangeChunk change) {
    Optional<Header> header = Header.read(change.bytes());
    known = header.isPresent() && Arrays.equals(header.get().actor, actor);
    if (known) {
      seq = header.get().seq;
      lastOwn = change.hash();
      maxOp = header.get().maxOp();
    }
  }

  /**
   * Counts a change applied to the document (anybody's); one it cannot read makes the counters
   * unknown.
   */
  void observe(ChangeChunk change) {
    if (!known) {
      return;
    }
    Optional<Header> header = Header.read(change.bytes());
    if (header.isEmpty()) {
      known = false;
      return;
    }
    maxOp = Math.max(maxOp, header.get().maxOp());
    if (Arrays.equals(header.get().actor, actor) && header.get().seq > seq) {
      seq = header.get().seq;
      lastOwn = change.hash();
    }
  }

  /** Changes were applied that {@link #observe} did not see. */
  void forget() {
    known = false;
  }

  /**
   * The change inserting {@code character} into {@code text} after the element {@code after}
   * (empty: at the start), on top of {@code deps}, the document's heads (and this author's previous
   * change, as Automerge adds it). The caller applies it to the document.
   *
   * @param text the text object's id as the binding prints it ({@code counter@actorhex})
   * @param after the preceding character's id as a cursor prints it, or empty for the start
   */
  ChangeChunk insert(String text, Optional<String> after, String character, List<byte[]> deps) {
    if (!known) {
      throw new IllegalStateException("the document's counters are not known");
    }
    if (character.codePointCount(0, character.length()) != 1) {
      throw new IllegalArgumentException("one character per change, got \"" + character + "\"");
    }
    OpId object = OpId.parse(text);
    Optional<OpId> key = after.map(OpId::parse);
    List<byte[]> others = otherActors(object, key);
    int objectActor = actorIndex(object.actor, others);
    int keyActor = key.map(k -> actorIndex(k.actor, others)).orElse(-1);
    byte[] value = character.getBytes(StandardCharsets.UTF_8);

    ByteArrayOutputStream body = new ByteArrayOutputStream(128 + 32 * deps.size());
    List<byte[]> sortedDeps = new ArrayList<>(deps);
    if (sortedDeps.stream().noneMatch(dep -> Arrays.equals(dep, lastOwn))) {
      sortedDeps.add(lastOwn); // as Automerge does, even when a head already descends from it
    }
    sortedDeps.sort(Arrays::compareUnsigned);
    Leb128.writeUnsigned(body, sortedDeps.size());
    sortedDeps.forEach(body::writeBytes);
    writeBytes(body, actor);
    Leb128.writeUnsigned(body, seq + 1);
    Leb128.writeUnsigned(body, maxOp + 1);
    Leb128.writeSigned(body, 0); // time: the binding commits none
    Leb128.writeUnsigned(body, 0); // no message
    Leb128.writeUnsigned(body, others.size());
    others.forEach(other -> writeBytes(body, other));

    List<int[]> specs = new ArrayList<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream(32);
    column(specs, data, OBJ_ACTOR, out -> literal(out, objectActor, false));
    column(specs, data, OBJ_COUNTER, out -> literal(out, object.counter, false));
    if (key.isPresent()) { // a key actor of "the start" is null, and a column of only nulls is left
      // out
      column(specs, data, KEY_ACTOR, out -> literal(out, keyActor, false));
    }
    column(specs, data, KEY_COUNTER, out -> literal(out, key.map(k -> k.counter).orElse(0L), true));
    column(
        specs,
        data,
        INSERT,
        out -> {
          out.write(0); // no false rows, then
          out.write(1); // one true row
        });
    column(specs, data, ACTION, out -> literal(out, ACTION_SET, false));
    column(
        specs,
        data,
        VALUE_META,
        out -> literal(out, (long) value.length << 4 | VALUE_TYPE_UTF8, false));
    column(specs, data, VALUE_RAW, out -> out.writeBytes(value));
    column(specs, data, PRED_GROUP, out -> literal(out, 0, false));
    Leb128.writeUnsigned(body, specs.size());
    for (int[] spec : specs) {
      Leb128.writeUnsigned(body, spec[0]);
      Leb128.writeUnsigned(body, spec[1]);
    }
    body.writeBytes(data.toByteArray());

    ChangeChunk change = ChangeChunk.assemble(body.toByteArray());
    seq++;
    lastOwn = change.hash();
    maxOp++;
    return change;
  }

  /** The actors the op names besides this author, sorted as Automerge sorts them (bytewise). */
  private List<byte[]> otherActors(OpId object, Optional<OpId> key) {
    List<byte[]> others = new ArrayList<>(2);
    for (byte[] named :
        key.isPresent() ? List.of(object.actor, key.get().actor) : List.of(object.actor)) {
      if (!Arrays.equals(named, actor)
          && others.stream().noneMatch(other -> Arrays.equals(other, named))) {
        others.add(named);
      }
    }
    others.sort(Arrays::compareUnsigned);
    return others;
  }

  /** 0 for this author, else 1 + the actor's place among the change's other actors. */
  private int actorIndex(byte[] of, List<byte[]> others) {
    if (Arrays.equals(of, actor)) {
      return 0;
    }
    for (int i = 0; i < others.size(); i++) {
      if (Arrays.equals(others.get(i), of)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("actor not among the change's actors");
  }

  private interface ColumnWriter {
    void write(ByteArrayOutputStream out);
  }

  private static void column(
      List<int[]> specs, ByteArrayOutputStream data, int spec, ColumnWriter writer) {
    int before = data.size();
    writer.write(data);
    specs.add(new int[] {spec, data.size() - before});
  }

  /**
   * A run-length column of one row: a literal run of one value (delta columns store the value minus
   * 0).
   */
  private static void literal(ByteArrayOutputStream out, long value, boolean signed) {
    out.write(ONE_LITERAL);
    if (signed) {
      Leb128.writeSigned(out, value);
    } else {
      Leb128.writeUnsigned(out, value);
    }
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    Leb128.writeUnsigned(out, bytes.length);
    out.writeBytes(bytes);
  }

  /** An op id as the binding prints object ids and cursors: {@code counter@actorhex}. */
  private record OpId(long counter, byte[] actor) {
    static OpId parse(String printed) {
      int at = printed.indexOf('@');
      if (at <= 0) {
        throw new IllegalArgumentException("not an op id: " + printed);
      }
      return new OpId(
          Long.parseLong(printed.substring(0, at)),
          HexFormat.of().parseHex(printed, at + 1, printed.length()));
    }
  }

  /** What a change chunk says of its author and counters: enough to continue them. */
  private record Header(byte[] actor, long seq, long startOp, long ops) {
    long maxOp() {
      return startOp + ops - 1;
    }

    /** Reads an uncompressed change chunk's header and counts its ops; empty if it cannot. */
    static Optional<Header> read(byte[] chunk) {
      try {
        Leb128.Reader in = new Leb128.Reader(chunk, 8, "change chunk"); // after magic and checksum
        if (in.u8() != 1) {
          return Optional.empty(); // not an uncompressed change
        }
        in.unsigned(); // body length
        in.skip(32 * in.unsigned()); // dependencies
        byte[] author = in.bytes(in.unsigned());
        long seq = in.unsigned();
        long startOp = in.unsigned();
        in.signed(); // time
        in.skip(in.unsigned()); // message
        long otherActors = in.unsigned();
        for (long i = 0; i < otherActors; i++) {
          in.skip(in.unsigned());
        }
        long columns = in.unsigned();
        long actionAt = -1;
        long actionLength = 0;
        long offset = 0;
        for (long i = 0; i < columns; i++) {
          int spec = (int) in.unsigned();
          long length = in.unsigned();
          if ((spec & ~DEFLATED) == ACTION) {
            if ((spec & DEFLATED) != 0) {
              return Optional.empty();
            }
            actionAt = offset;
            actionLength = length;
          }
          offset = Math.addExact(offset, length);
        }
        if (offset > in.remaining()) {
          return Optional.empty(); // the columns claim more bytes than the chunk has
        }
        long ops = 0;
        if (actionAt >= 0) {
          in.skip(actionAt);
          ops = ChunkCensus.rleRows(in, in.position() + (int) actionLength);
        }
        return Optional.of(new Header(author, seq, startOp, ops));
      } catch (RuntimeException e) { // past the end, or a length no chunk can have
        return Optional.empty();
      }
    }
  }
}
