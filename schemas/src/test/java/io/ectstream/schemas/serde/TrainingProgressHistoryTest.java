package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.Phase;
import io.ectstream.schemas.TrainingProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** TrainingProgress gained nonFiniteGradientValues; records of the schema before it (avro-history v1) still decode. */
class TrainingProgressHistoryTest {
    private final AvroCodec<TrainingProgress> progress = new AvroCodec<>(TrainingProgress.class);

    @Test
    void aRecordWrittenBeforeTheCountDecodesWithZeroAndNewRecordsReadBackWithTheOldSchema() throws Exception {
        List<Schema> history = SchemaHistory.olderVersionsOf(TrainingProgress.getClassSchema());
        assertEquals(1, history.size(), "avro-history/TrainingProgress/v1.avsc is on the main classpath");
        Schema v1 = history.get(0);
        assertNull(v1.getField("nonFiniteGradientValues"));

        GenericRecord old = new GenericData.Record(v1);
        old.put("runId", "run");
        old.put("step", 40L);
        old.put("imagesSeen", 1280L);
        old.put("totalImages", 6400L);
        old.put("phase", new GenericData.EnumSymbol(v1.getField("phase").schema(), "ECT"));
        old.put("ectStage", 1);
        old.put("loss", 0.25);
        old.put("imagesPerSecond", 30.0);
        old.put("etaSeconds", null);
        old.put("timestamp", 5_000L);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);

        TrainingProgress decoded = progress.decode(Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit()));
        assertEquals(40L, decoded.getStep());
        assertEquals(0L, decoded.getNonFiniteGradientValues(), "a trainer that did not count reported nothing");

        TrainingProgress current = TrainingProgress.newBuilder(decoded)
                .setNonFiniteGradientValues(7L)
                .setTimestamp(Instant.ofEpochMilli(6_000L))
                .build();
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), v1);
        oldReader.addSchema(TrainingProgress.getClassSchema());
        GenericRecord back = oldReader.decode(progress.encode(current));
        assertEquals(40L, back.get("step"));
        assertEquals(Phase.ECT.name(), back.get("phase").toString());
        assertNull(back.getSchema().getField("nonFiniteGradientValues"), "an older reader skips the new field");
    }
}
