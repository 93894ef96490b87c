package io.ectstream.schemas.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 32: one factory for every GenerationRequest, with the defaults and the checks every sender shares. */
class GenerationRequestsTest {
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void aChoiceLeftOutTakesItsDefault() {
        GenerationRequest r = GenerationRequests.request("r-1", "run", null).build(AT);
        assertEquals("r-1", r.getRequestId());
        assertEquals("run", r.getModel().getRunId());
        assertNull(r.getModel().getStep(), "no step: the run's newest checkpoint");
        assertEquals(GenerationRequests.DEFAULT_NUM_IMAGES, r.getNumImages());
        assertEquals(1, r.getNumImages());
        assertEquals(GenerationRequests.DEFAULT_STEPS, r.getSteps());
        assertEquals(1, r.getSteps());
        assertNull(r.getSeed());
        assertNull(r.getTMid());
        assertEquals(ImageFormat.PNG, r.getOutputFormat());
        assertNull(r.getReplyTopic());
        assertEquals(SamplerKind.ECT, r.getSampler());
        assertEquals(TrafficPurpose.USER, r.getPurpose());
        assertNull(r.getDeadlineMs());
        assertEquals(AT, r.getCreatedAt());
    }

    @Test
    void theDefaultsAreTheSchemasOwn() {
        GenerationRequest fromFactory =
                GenerationRequests.request("r-1", "run", null).build(AT);
        GenerationRequest fromSchema = GenerationRequest.newBuilder()
                .setRequestId("r-1")
                .setModel(fromFactory.getModel())
                .setNumImages(1)
                .setSteps(1)
                .setCreatedAt(AT)
                .build();
        assertEquals(fromSchema, fromFactory, "a reader filling absent fields from the schema sees the same request");
    }

    @Test
    void everyChoiceIsCarried() {
        GenerationRequest r = GenerationRequests.request("eval:run@5:heun35:0:n", "run", 5L)
                .numImages(16)
                .steps(2)
                .seed(42L)
                .tMid(0.5)
                .sampler(SamplerKind.EDM_HEUN)
                .purpose(TrafficPurpose.EVALUATION)
                .format(ImageFormat.RAW_UINT8)
                .replyTopic("replies")
                .deadlineMs(3_000L)
                .build(AT);
        assertEquals(5L, r.getModel().getStep());
        assertEquals(16, r.getNumImages());
        assertEquals(2, r.getSteps());
        assertEquals(42L, r.getSeed());
        assertEquals(0.5, r.getTMid());
        assertEquals(SamplerKind.EDM_HEUN, r.getSampler());
        assertEquals(TrafficPurpose.EVALUATION, r.getPurpose());
        assertEquals(ImageFormat.RAW_UINT8, r.getOutputFormat());
        assertEquals("replies", r.getReplyTopic());
        assertEquals(3_000L, r.getDeadlineMs());
        byte[] bytes = AvroSerdes.generationRequest().serializer().serialize("t", r);
        assertEquals(r, AvroSerdes.generationRequest().deserializer().deserialize("t", bytes));
    }

    @Test
    void rangesAreLeftToTheSamplersValidator() {
        GenerationRequest r = GenerationRequests.request("r-1", "", null)
                .numImages(0)
                .steps(7)
                .tMid(-1.0)
                .build(AT);
        assertEquals(0, r.getNumImages(), "the validator refuses it with the same message over HTTP and Kafka");
        assertEquals(7, r.getSteps());
        assertEquals("", r.getModel().getRunId());
    }

    @Test
    void aRequestWithoutIdRunOrTimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GenerationRequests.request(null, "run", null));
        assertThrows(IllegalArgumentException.class, () -> GenerationRequests.request(" ", "run", null));
        IllegalArgumentException noRun =
                assertThrows(IllegalArgumentException.class, () -> GenerationRequests.request("r-1", null, null));
        assertTrue(noRun.getMessage().contains("r-1"), noRun.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> GenerationRequests.request("r-1", "run", null).build(null));
    }

    @Test
    void newIdsNameTheirSenderAndDiffer() {
        String a = GenerationRequests.newId("http");
        String b = GenerationRequests.newId("http");
        assertTrue(a.startsWith("http-"), a);
        assertEquals("http-".length() + 36, a.length(), "prefix and a UUID");
        assertNotEquals(a, b);
    }
}
