package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** GenerationError gained error codes; records written with the earlier schemas (kept in avro-history) still decode. */
class GenerationErrorHistoryTest {
    private final AvroCodec<GenerationError> errors = new AvroCodec<>(GenerationError.class);

    @Test
    void aRecordWrittenWithVersionOneDecodes() throws Exception {
        List<Schema> history = SchemaHistory.olderVersionsOf(GenerationError.getClassSchema());
        assertEquals(
                3,
                history.size(),
                "avro-history/GenerationError/v1.avsc, v2.avsc and v3.avsc are on the main classpath");
        Schema v1 = history.get(0);
        assertNotEquals(
                SchemaNormalization.parsingFingerprint64(v1),
                SchemaNormalization.parsingFingerprint64(GenerationError.getClassSchema()),
                "the current schema is a new version");

        GenericRecord old = new GenericData.Record(v1);
        old.put("requestId", "req-7");
        old.put("code", new GenericData.EnumSymbol(v1.getField("code").schema(), "UNKNOWN_MODEL"));
        old.put("reason", "no model for run x");
        old.put("component", "sampler-service");
        old.put("sourceTopic", "ect.generate.requests");
        old.put("sourcePartition", 2);
        old.put("sourceOffset", 41L);
        old.put("originalBytes", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        old.put("occurredAt", 5_000L);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);

        GenerationError decoded = errors.decode(Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit()));

        assertEquals("req-7", decoded.getRequestId());
        assertEquals(ErrorCode.UNKNOWN_MODEL, decoded.getCode());
        assertEquals("no model for run x", decoded.getReason());
        assertEquals(2, decoded.getSourcePartition());
        assertEquals(41L, decoded.getSourceOffset());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), decoded.getOriginalBytes());
        assertEquals(Instant.ofEpochMilli(5_000L), decoded.getOccurredAt());
    }

    @Test
    void aRecordWrittenWithVersionTwoDecodes() throws Exception {
        Schema v2 =
                SchemaHistory.olderVersionsOf(GenerationError.getClassSchema()).get(1);
        assertNotEquals(
                SchemaNormalization.parsingFingerprint64(v2),
                SchemaNormalization.parsingFingerprint64(GenerationError.getClassSchema()),
                "EXPIRED made a new version");
        GenericRecord old = new GenericData.Record(v2);
        old.put("requestId", "req-8");
        old.put("code", new GenericData.EnumSymbol(v2.getField("code").schema(), "OVERLOADED"));
        old.put("reason", "busy");
        old.put("component", "sampler-service");
        old.put("occurredAt", 6_000L);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old);

        GenerationError decoded = errors.decode(Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit()));

        assertEquals("req-8", decoded.getRequestId());
        assertEquals(ErrorCode.OVERLOADED, decoded.getCode());
    }

    @Test
    void theNewCodesRoundTripAndTheEnumHasADefault() {
        for (ErrorCode code : List.of(
                ErrorCode.REPLY_TOPIC_REJECTED, ErrorCode.TOO_COSTLY, ErrorCode.OVERLOADED, ErrorCode.EXPIRED)) {
            GenerationError error = GenerationError.newBuilder()
                    .setRequestId(null)
                    .setCode(code)
                    .setReason("why")
                    .setComponent("sampler-service")
                    .setOccurredAt(Instant.ofEpochMilli(1_000L))
                    .build();
            GenerationError back = errors.decode(errors.encode(error));
            assertEquals(code, back.getCode());
            assertNull(back.getRequestId());
        }
        assertEquals(
                "INTERNAL",
                GenerationError.getClassSchema().getField("code").schema().getEnumDefault());
    }
}
