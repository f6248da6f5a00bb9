package dev.minutes.bench;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.Sync;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code sync} frame read and written with jackson-dataformat-cbor's streaming API, with the
 * checks the hand-written codec makes (hostile-input limits through {@link StreamReadConstraints},
 * a map at the top, text fields, a valid document id, nothing after the map): the alternative the
 * codec is measured against in {@link CodecBenchmark}. Not used by the server.
 */
final class JacksonFrames {
  private static final CBORFactory FACTORY =
      CBORFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(32)
                  .maxStringLength(8 * 1024 * 1024)
                  .maxDocumentLength(8 * 1024 * 1024)
                  .build())
          .build();

  private JacksonFrames() {}

  static Sync decodeSync(byte[] frame) {
    try (CBORParser parser = FACTORY.createParser(frame)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedMessageException("frame is not a CBOR map");
      }
      String type = null;
      String senderId = null;
      String targetId = null;
      String documentId = null;
      byte[] data = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "type" -> type = text(parser, value, name);
          case "senderId" -> senderId = text(parser, value, name);
          case "targetId" -> targetId = text(parser, value, name);
          case "documentId" -> documentId = text(parser, value, name);
          case "data" -> {
            if (value != JsonToken.VALUE_EMBEDDED_OBJECT) {
              throw new MalformedMessageException("data is not a byte string");
            }
            data = parser.getBinaryValue();
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new MalformedMessageException("bytes after the frame's map");
      }
      if (!"sync".equals(type) || senderId == null || senderId.isEmpty() || data == null) {
        throw new MalformedMessageException("not a sync message");
      }
      if (documentId == null || !DocumentIds.isValid(documentId)) {
        throw new MalformedMessageException("documentId is not a valid document id");
      }
      return new Sync(senderId, targetId, documentId, data);
    } catch (IOException e) {
      throw new MalformedMessageException("CBOR: " + e.getMessage());
    }
  }

  static byte[] encodeSync(Sync sync) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sync.data().length + 128);
    try (CBORGenerator generator = FACTORY.createGenerator(out)) {
      generator.writeStartObject(sync.targetId() == null ? 4 : 5);
      generator.writeStringField("type", "sync");
      generator.writeStringField("senderId", sync.senderId());
      if (sync.targetId() != null) {
        generator.writeStringField("targetId", sync.targetId());
      }
      generator.writeStringField("documentId", sync.documentId());
      generator.writeBinaryField("data", sync.data());
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String text(CBORParser parser, JsonToken value, String name) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new MalformedMessageException(name + " is not a text string");
    }
    return parser.getText();
  }
}
