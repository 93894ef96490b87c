package io.ectstream.schemas.serde;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding for one generated record type: a 2-byte marker, the 8-byte
 * CRC-64-AVRO fingerprint of the writer's schema, then the binary record. The decoder knows the
 * current schema and every older one in {@link SchemaHistory}, and resolves them to the current one.
 */
public final class AvroCodec<T extends SpecificRecord> {
    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroCodec(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema older : SchemaHistory.olderVersionsOf(schema)) {
            decoder.addSchema(older);
        }
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        if (record == null) {
            throw new IllegalArgumentException("cannot encode a null " + type.getSimpleName());
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public T decode(byte[] bytes) {
        String name = type.getSimpleName();
        if (bytes == null) {
            throw new RecordDecodingException(name, 0, "the record value is null", null);
        }
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            T record = decoder.decode(in);
            if (record == null) {
                throw new RecordDecodingException(name, bytes.length, "the decoder returned no record", null);
            }
            // The decoder reads the stream without buffering ahead: what is left was never part of the record.
            if (in.available() > 0) {
                throw new RecordDecodingException(
                        name, bytes.length, in.available() + " trailing bytes after the record", null);
            }
            return record;
        } catch (RecordDecodingException e) {
            throw e;
        } catch (BadHeaderException e) {
            throw new RecordDecodingException(
                    name,
                    bytes.length,
                    bytes.length >= 5 && bytes[0] == 0
                            ? "the registry wire format (magic byte 0 and a schema id) where single-object"
                                    + " encoding was expected; read it with --wire-format registry"
                            : "not Avro single-object encoding (missing the C3 01 marker and fingerprint)",
                    e);
        } catch (MissingSchemaException e) {
            throw new RecordDecodingException(
                    name, bytes.length, "written with a schema this reader does not know (" + e.getMessage() + ")", e);
        } catch (IOException | AvroRuntimeException e) {
            throw new RecordDecodingException(name, bytes.length, "malformed record body: " + e, e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // Garbage can make the binary decoder index out of range or ask for absurd lengths.
            throw new RecordDecodingException(name, bytes.length, "malformed record body: " + e, e);
        }
    }
}
