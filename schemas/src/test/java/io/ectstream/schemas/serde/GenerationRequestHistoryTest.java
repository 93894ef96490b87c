package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** GenerationRequest gained deadlineMs; records written with the schema before it (avro-history v2) still decode. */
class GenerationRequestHistoryTest {
    private final AvroCodec<GenerationRequest> requests = new AvroCodec<>(GenerationRequest.class);

    @Test
    void aRecordWrittenBeforeDeadlinesDecodesWithoutADeadline() throws Exception {
        List<Schema> history = SchemaHistory.olderVersionsOf(GenerationRequest.getClassSchema());
        assertEquals(2, history.size(), "avro-history/GenerationRequest/v1.avsc and v2.avsc are on the main classpath");
        Schema v2 = history.get(1);
        assertNull(v2.getField("deadlineMs"));
        assertNotEquals(
                SchemaNormalization.parsingFingerprint64(v2),
                SchemaNormalization.parsingFingerprint64(GenerationRequest.getClassSchema()));

        GenericRecord model = new GenericData.Record(v2.getField("model").schema());
        model.put("runId", "run");
        model.put("step", 20L);
        GenericRecord old = new GenericData.Record(v2);
        old.put("requestId", "eval-1");
        old.put("model", model);
        old.put("numImages", 8);
        old.put("steps", 2);
        old.put("seed", 3L);
        old.put("tMid", null);
        old.put(
                "outputFormat",
                new GenericData.EnumSymbol(v2.getField("outputFormat").schema(), "PNG"));
        old.put("replyTopic", null);
        old.put("sampler", new GenericData.EnumSymbol(v2.getField("sampler").schema(), "ECT"));
        old.put("purpose", new GenericData.EnumSymbol(v2.getField("purpose").schema(), "EVALUATION"));
        old.put("createdAt", 2_000L);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old);

        GenerationRequest decoded = requests.decode(Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit()));

        assertEquals("eval-1", decoded.getRequestId());
        assertEquals(20L, decoded.getModel().getStep());
        assertEquals(TrafficPurpose.EVALUATION, decoded.getPurpose());
        assertNull(decoded.getDeadlineMs(), "a request written before deadlines has none");
    }

    @Test
    void theDeadlineRoundTrips() {
        GenerationRequest request = SampleRecords.generationRequest();
        request.setDeadlineMs(5_000L);
        assertEquals(5_000L, requests.decode(requests.encode(request)).getDeadlineMs());
    }
}
