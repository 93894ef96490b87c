package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Samples of different samplers are never pooled, even at the same version, step count and purpose. */
class SampleGroupTest {

    @Test
    void everyFieldOfTheGroupSeparatesStatistics() {
        ModelVersion v = TestResults.version("run", 1);
        List<byte[]> images = TestResults.images(new Random(1), 1);
        GenerationResult ect = TestResults.result("a", v, 1, TrafficPurpose.EVALUATION, images, ImageFormat.RAW_UINT8);
        GenerationResult heun = GenerationResult.newBuilder(ect)
                .setSampler(SamplerKind.EDM_HEUN)
                .build();
        GenerationResult twoStep =
                GenerationResult.newBuilder(ect).setNetworkEvaluations(2).build();
        GenerationResult user =
                GenerationResult.newBuilder(ect).setPurpose(TrafficPurpose.USER).build();
        GenerationResult otherVersion = GenerationResult.newBuilder(ect)
                .setModelVersion(TestResults.version("run", 2))
                .build();
        GenerationResult sameAsEct =
                GenerationResult.newBuilder(ect).setRequestId("b").setSeed(99).build();
        Set<String> keys = List.of(ect, heun, twoStep, user, otherVersion, sameAsEct).stream()
                .map(r -> SampleGroup.of(r).key())
                .collect(Collectors.toSet());
        assertEquals(5, keys.size(), keys.toString());
        assertEquals(
                SampleGroup.of(ect).key(), SampleGroup.of(sameAsEct).key(), "request id and seed do not split a group");
    }
}
