package io.ectstream.sampler.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.support.Requests;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestValidatorTest {
    private static final ReplyTopicPolicy REPLY_TOPICS = new ReplyTopicPolicy(
            "ect.generate.results",
            "ect.results.",
            List.of("my.replies-1"),
            List.of("ect.checkpoints", "ect.generate.requests", "ect.generate.results"));
    private final RequestValidator validator = new RequestValidator(16, 140, REPLY_TOPICS);

    private static GenerationRequest.Builder good() {
        return Requests.request("req-1", "run-a", 4, 2, 99L);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("requestId", b -> b.setRequestId("")),
                bad("requestId", b -> b.setRequestId("x".repeat(257))),
                bad("model.runId", b -> b.setModel(new ModelSelector(" ", null))),
                bad("model.step", b -> b.setModel(new ModelSelector("run-a", -1L))),
                bad("numImages", b -> b.setNumImages(0)),
                bad("numImages", b -> b.setNumImages(-3)),
                bad("numImages", b -> b.setNumImages(17)),
                bad("deadlineMs", b -> b.setDeadlineMs(0L)),
                bad("deadlineMs", b -> b.setDeadlineMs(-5L)),
                bad("steps", b -> b.setSteps(3)),
                bad("steps", b -> b.setSteps(0)),
                bad("tMid", b -> b.setTMid(0.0)),
                bad("tMid", b -> b.setTMid(80.0)),
                bad("tMid", b -> b.setTMid(-1.0)),
                bad("tMid", b -> b.setTMid(Double.NaN)),
                bad("tMid", b -> b.setTMid(Double.POSITIVE_INFINITY)),
                bad("replyTopic", b -> b.setReplyTopic("bad topic!")),
                bad("replyTopic", b -> b.setReplyTopic("..")),
                bad("replyTopic", b -> b.setReplyTopic("")),
                bad("replyTopic", b -> b.setReplyTopic("t".repeat(250))));
    }

    private static Arguments bad(String field, UnaryOperator<GenerationRequest.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void everyBadFieldIsNamedInTheError(String field, UnaryOperator<GenerationRequest.Builder> change) {
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> validator.validate(change.apply(good()).build()));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }

    @Test
    void goodRequestResolvesSettingsSeedAndTopic() throws Exception {
        ValidRequest v = validator.validate(good().setTMid(1.5).build());
        assertEquals(SamplerSettings.ect(2, 1.5), v.settings());
        assertEquals(99L, v.seed());
        assertEquals("ect.generate.results", v.resultTopic());

        ValidRequest defaults = validator.validate(
                good().setSteps(1).setTMid(null).setReplyTopic("my.replies-1").build());
        assertEquals(SamplerSettings.ect(1, SamplerSettings.DEFAULT_T_MID), defaults.settings());
        assertEquals("my.replies-1", defaults.resultTopic());

        assertEquals(
                16,
                validator.validate(good().setNumImages(16).build()).request().getNumImages());
        assertEquals(
                1, validator.validate(good().setNumImages(1).build()).request().getNumImages());
        assertEquals(
                79.9,
                validator.validate(good().setTMid(79.9).build()).settings().tMid());
    }

    @Test
    void missingSeedIsChosenHereAndDiffers() throws Exception {
        long a = validator.validate(good().setSeed(null).build()).seed();
        long b = validator.validate(good().setSeed(null).build()).seed();
        assertNotEquals(a, b);
    }

    @Test
    void heunIgnoresStepsAndUsesItsOwnSchedule() throws Exception {
        ValidRequest v = validator.validate(
                good().setSampler(SamplerKind.EDM_HEUN).setSteps(7).build());
        assertEquals(SamplerKind.EDM_HEUN, v.settings().kind());
        assertEquals(SamplerSettings.HEUN_STEPS, v.settings().steps());
    }

    @Test
    void aReplyTopicOffTheAllowListIsRejectedWithItsOwnCode() throws Exception {
        for (String topic : List.of(
                "ect.checkpoints",
                "ect.generate.requests",
                "somewhere.else",
                "__consumer_offsets",
                "ect.results.app-changelog")) {
            InvalidRequestException e = assertThrows(
                    InvalidRequestException.class,
                    () -> validator.validate(good().setReplyTopic(topic).build()),
                    topic);
            assertEquals(ErrorCode.REPLY_TOPIC_REJECTED, e.code(), topic);
            assertEquals("replyTopic", e.field());
            assertTrue(e.getMessage().contains(topic), e.getMessage());
        }
        assertEquals(
                "ect.results.mine",
                validator
                        .validate(good().setReplyTopic("ect.results.mine").build())
                        .resultTopic());
        assertEquals(
                "ect.generate.results",
                validator
                        .validate(good().setReplyTopic("ect.generate.results").build())
                        .resultTopic());
    }

    @Test
    void aUserRequestAboveTheCostCapIsTooCostlyAndEvaluationIsExempt() throws Exception {
        // cap 140: 16 images x 2 steps and 4 Heun images (4 x 35) pass, 5 Heun images do not
        assertEquals(
                32,
                validator.validate(good().setNumImages(16).setSteps(2).build()).cost());
        assertEquals(
                140,
                validator
                        .validate(good().setNumImages(4)
                                .setSampler(SamplerKind.EDM_HEUN)
                                .build())
                        .cost());
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> validator.validate(
                        good().setNumImages(5).setSampler(SamplerKind.EDM_HEUN).build()));
        assertEquals(ErrorCode.TOO_COSTLY, e.code());
        assertTrue(
                e.getMessage()
                        .contains("5 images x 35 network evaluations (EDM_HEUN) cost 175, above this sampler's limit"
                                + " of 140 per request; ask for at most 4 images"),
                e.getMessage());
        InvalidRequestException invalid = assertThrows(
                InvalidRequestException.class,
                () -> validator.validate(good().setSteps(3).build()));
        assertEquals(ErrorCode.INVALID_REQUEST, invalid.code());

        ValidRequest evaluation = validator.validate(good().setNumImages(16)
                .setSampler(SamplerKind.EDM_HEUN)
                .setPurpose(TrafficPurpose.EVALUATION)
                .build());
        assertEquals(560, evaluation.cost(), "16 Heun images cost 16 x 35 and are served for evaluation");
    }
}
