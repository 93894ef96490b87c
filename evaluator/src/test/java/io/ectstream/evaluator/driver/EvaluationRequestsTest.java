package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationRequestsTest {
    private static final EvaluationPlan PLAN = new EvaluationPlan(10, 4, 1000, 0.821, false);

    @Test
    void tunedCheckpointsGetOneAndTwoStepOnTheSameSeedsAsEveryOtherCheckpoint() {
        List<GenerationRequest> a =
                EvaluationRequests.of(DriverEvents.event("run", 10, Phase.ECT), PLAN, Instant.EPOCH, "n0");
        List<GenerationRequest> b =
                EvaluationRequests.of(DriverEvents.event("run", 20, Phase.ECT), PLAN, Instant.EPOCH, "n0");
        assertEquals(6, a.size(), "10 samples in requests of 4: 3 requests, for each of 2 samplers");
        assertEquals(
                List.of(4, 4, 2, 4, 4, 2),
                a.stream().map(GenerationRequest::getNumImages).toList());
        assertEquals(
                List.of(1000L, 1001L, 1002L, 1000L, 1001L, 1002L),
                a.stream().map(GenerationRequest::getSeed).toList());
        assertEquals(
                List.of(1, 1, 1, 2, 2, 2),
                a.stream().map(GenerationRequest::getSteps).toList());
        for (int i = 0; i < a.size(); i++) {
            GenerationRequest r = a.get(i);
            assertEquals(TrafficPurpose.EVALUATION, r.getPurpose());
            assertEquals(SamplerKind.ECT, r.getSampler());
            assertEquals(10L, r.getModel().getStep(), "that exact model version, never 'latest'");
            assertEquals(b.get(i).getSeed(), r.getSeed());
            assertEquals(b.get(i).getNumImages(), r.getNumImages());
        }
        assertNull(a.get(0).getTMid());
        assertEquals(0.821, a.get(3).getTMid());
        assertEquals("eval:run@10:ect2:2:n0", a.get(5).getRequestId());
        assertEquals(
                6, a.stream().map(GenerationRequest::getRequestId).distinct().count());
    }

    @Test
    void pretrainingCheckpointsGetHeunAndTheFewStepSamplersOnlyWhenAsked() {
        CheckpointEvent teacher = DriverEvents.event("run", 5, Phase.PRETRAIN);
        List<GenerationRequest> heunOnly = EvaluationRequests.of(teacher, PLAN, Instant.EPOCH, "n0");
        assertEquals(3, heunOnly.size());
        assertTrue(heunOnly.stream().allMatch(r -> r.getSampler() == SamplerKind.EDM_HEUN));
        assertEquals("eval:run@5:heun35:0:n0", heunOnly.get(0).getRequestId());
        EvaluationPlan withFewStep = new EvaluationPlan(10, 4, 1000, 0.821, true);
        List<GenerationRequest> all = EvaluationRequests.of(teacher, withFewStep, Instant.EPOCH, "n0");
        assertEquals(9, all.size());
        assertEquals(
                List.of("ect1", "ect1", "ect1", "ect2", "ect2", "ect2", "heun35", "heun35", "heun35"),
                all.stream().map(r -> r.getRequestId().split(":")[2]).toList(),
                "the cheap scores are not queued behind Heun");
    }

    @Test
    void requestIdsEndWithA128BitNonceNobodyCanGuess() {
        String nonce = EvaluationRequests.newNonce();
        assertTrue(nonce.matches("[0-9a-f]{32}"), nonce);
        assertNotEquals(nonce, EvaluationRequests.newNonce());
        GenerationRequest r = EvaluationRequests.of(
                        DriverEvents.event("tiny", 10, Phase.ECT), PLAN, Instant.EPOCH, nonce)
                .get(0);
        assertEquals("eval:tiny@10:ect1:0:" + nonce, r.getRequestId());
        assertEquals("tiny@10", EvaluationRequests.checkpointOf(r));
    }

    @Test
    void noiseSeedsAreThoseOfTheRequestsImages() {
        long[] seeds = PLAN.noiseSeeds();
        assertEquals(10, seeds.length);
        assertEquals(NoiseSeeds.forImage(1000, 0), seeds[0]);
        assertEquals(NoiseSeeds.forImage(1001, 3), seeds[7]);
        assertEquals(NoiseSeeds.forImage(1002, 1), seeds[9]);
        assertArrayEquals(seeds, new EvaluationPlan(10, 4, 1000, 0.5, true).noiseSeeds());
        assertThrows(IllegalArgumentException.class, () -> new EvaluationPlan(1, 4, 0, 0.821, false));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationPlan(10, 0, 0, 0.821, false));
    }
}
