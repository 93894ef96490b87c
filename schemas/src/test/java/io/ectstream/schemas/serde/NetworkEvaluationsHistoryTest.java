package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.SamplerKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Issue 32: results and FID reports carry {@code networkEvaluations} where they carried an overloaded {@code steps}.
 * Records written with the schema before (avro-history v1) decode with the new reader through the field's alias, and
 * a new record reads back as the v1 reader knows it once that reader is given the same alias (a registry reader's
 * view of the v1 schema with the rename applied).
 */
class NetworkEvaluationsHistoryTest {

    @Test
    void aResultWrittenWithStepsDecodesAsNetworkEvaluations() {
        GenerationResult current = SampleRecords.generationResult();
        current.setSampler(SamplerKind.EDM_HEUN);
        current.setNetworkEvaluations(35);
        Schema v1 = only(GenerationResult.getClassSchema());
        GenericRecord old = asV1(current, GenerationResult.getClassSchema(), v1);
        assertEquals(35, old.get("steps"));

        GenerationResult decoded = new AvroCodec<>(GenerationResult.class).decode(encode(old, v1));

        assertEquals(35, decoded.getNetworkEvaluations());
        assertEquals(SamplerKind.EDM_HEUN, decoded.getSampler());
        assertEquals(current, decoded);
    }

    @Test
    void aReportWrittenWithStepsDecodesAsNetworkEvaluations() {
        FidReport current = SampleRecords.fidReport();
        current.setNetworkEvaluations(2);
        Schema v1 = only(FidReport.getClassSchema());
        GenericRecord old = asV1(current, FidReport.getClassSchema(), v1);

        FidReport decoded = new AvroCodec<>(FidReport.class).decode(encode(old, v1));

        assertEquals(2, decoded.getNetworkEvaluations());
        assertEquals(current, decoded);
    }

    @Test
    void theNewSchemaNamesNoStepsFieldAndV1NoNetworkEvaluations() {
        for (Schema schema : List.of(GenerationResult.getClassSchema(), FidReport.getClassSchema())) {
            assertNull(schema.getField("steps"), schema.getName());
            assertEquals(
                    List.of("steps"),
                    List.copyOf(schema.getField("networkEvaluations").aliases()));
            Schema v1 = only(schema);
            assertNotNull(v1.getField("steps"));
            assertNull(v1.getField("networkEvaluations"));
        }
    }

    private static Schema only(Schema current) {
        List<Schema> history = SchemaHistory.olderVersionsOf(current);
        assertEquals(1, history.size(), "avro-history/" + current.getName() + "/v1.avsc");
        return history.get(0);
    }

    /** The record as a v1 writer would have made it: the current bytes read with v1 as the reader, renamed back. */
    private static GenericRecord asV1(Object record, Schema current, Schema v1) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(current).write(record, encoder);
            encoder.flush();
            Schema v1ReaderWithAlias = withAlias(v1);
            GenericRecord read = new GenericDatumReader<GenericRecord>(current, v1ReaderWithAlias)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
            GenericData.Record old = new GenericData.Record(v1);
            for (Schema.Field f : v1.getFields()) {
                old.put(f.name(), read.get(f.name()));
            }
            return old;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** v1 whose steps field also answers to networkEvaluations. */
    private static Schema withAlias(Schema v1) {
        String json = v1.toString()
                .replace("{\"name\":\"steps\",", "{\"name\":\"steps\",\"aliases\":[\"networkEvaluations\"],");
        return new Schema.Parser().parse(json);
    }

    private static byte[] encode(GenericRecord record, Schema schema) {
        try {
            ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            return Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
