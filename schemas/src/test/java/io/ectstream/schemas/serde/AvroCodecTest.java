package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    private final AvroCodec<GenerationRequest> requests = new AvroCodec<>(GenerationRequest.class);

    @Test
    void encodingStartsWithTheSingleObjectMarkerAndSchemaFingerprint() {
        byte[] bytes = requests.encode(SampleRecords.generationRequest());
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(GenerationRequest.getClassSchema());
        long written = ByteBuffer.wrap(bytes, 2, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals(fingerprint, written);
    }

    @Test
    void newerReaderDecodesARecordWrittenWithTheOlderSchema() throws Exception {
        Schema older;
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("avro-history/GenerationRequest/v1.avsc")) {
            older = new Schema.Parser().parse(in);
        }
        GenericRecord model = new GenericData.Record(older.getField("model").schema());
        model.put("runId", "old-run");
        model.put("step", 5L);
        GenericRecord record = new GenericData.Record(older);
        record.put("requestId", "old-1");
        record.put("model", model);
        record.put("numImages", 3);
        record.put("steps", 1);
        record.put("seed", 11L);
        record.put(
                "outputFormat",
                new GenericData.EnumSymbol(older.getField("outputFormat").schema(), "PNG"));
        record.put("replyTopic", null);
        record.put("createdAt", 1_000L);
        ByteBuffer oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(record);

        GenerationRequest decoded =
                requests.decode(Arrays.copyOfRange(oldBytes.array(), oldBytes.position(), oldBytes.limit()));

        assertEquals("old-1", decoded.getRequestId());
        assertEquals("old-run", decoded.getModel().getRunId());
        assertEquals(5L, decoded.getModel().getStep());
        assertEquals(3, decoded.getNumImages());
        assertEquals(11L, decoded.getSeed());
        assertEquals(ImageFormat.PNG, decoded.getOutputFormat());
        assertEquals(Instant.ofEpochMilli(1_000L), decoded.getCreatedAt());
        assertEquals(null, decoded.getTMid(), "field added later takes its default");
        assertEquals(SamplerKind.ECT, decoded.getSampler());
        assertEquals(TrafficPurpose.USER, decoded.getPurpose());
    }

    @Test
    void malformedBytesRaiseTheTypedException() {
        byte[] valid = requests.encode(SampleRecords.generationRequest());
        byte[][] bad = {
            new byte[0],
            "hello, not avro".getBytes(),
            Arrays.copyOf(valid, 10), // header only
            Arrays.copyOf(valid, valid.length - 5), // truncated body
            new AvroCodec<>(CheckpointEvent.class).encode(SampleRecords.checkpointEvent()), // another schema
            withUnknownFingerprint(valid),
        };
        for (byte[] bytes : bad) {
            RecordDecodingException e = assertThrows(RecordDecodingException.class, () -> requests.decode(bytes));
            assertTrue(e.getMessage().contains("GenerationRequest"), e.getMessage());
            assertTrue(e instanceof SerializationException);
        }
        RecordDecodingException nullValue = assertThrows(RecordDecodingException.class, () -> requests.decode(null));
        assertTrue(nullValue.getMessage().contains("null"), nullValue.getMessage());
    }

    @Test
    void randomGarbageAfterAValidHeaderNeverEscapesAsAnotherException() {
        byte[] valid = requests.encode(SampleRecords.generationRequest());
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = Arrays.copyOf(valid, 10 + random.nextInt(40));
            for (int j = 10; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            try {
                requests.decode(bytes);
            } catch (RecordDecodingException expected) {
                // the only exception allowed
            }
        }
    }

    @Test
    void aValidRecordFollowedByGarbageIsRejectedWithTheCountOfTrailingBytes() {
        byte[] valid = requests.encode(SampleRecords.generationRequest());
        byte[] padded = Arrays.copyOf(valid, valid.length + 100);
        Arrays.fill(padded, valid.length, padded.length, (byte) 0x7F);
        RecordDecodingException e = assertThrows(RecordDecodingException.class, () -> requests.decode(padded));
        assertTrue(e.getMessage().contains("100 trailing bytes after the record"), e.getMessage());
        assertEquals(
                SampleRecords.generationRequest().getRequestId(),
                requests.decode(valid).getRequestId());
    }

    private static byte[] withUnknownFingerprint(byte[] valid) {
        byte[] copy = valid.clone();
        copy[5] ^= 0x5A;
        return copy;
    }
}
