package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.records.GenerationRequests;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * The GenerationRequests of one checkpoint's evaluation: that exact version, the plan's seeds, purpose
 * EVALUATION, and request ids that end with a nonce drawn for this evaluation, so that nobody can guess them.
 */
public final class EvaluationRequests {
    private static final SecureRandom RANDOM = new SecureRandom();

    private EvaluationRequests() {}

    public static List<GenerationRequest> of(CheckpointEvent event, EvaluationPlan plan, Instant now, String nonce) {
        return of(event, plan, now, nonce, settings -> true);
    }

    /** The requests of the plan's samplers that {@code wanted} accepts (a backfill skips those already scored). */
    public static List<GenerationRequest> of(
            CheckpointEvent event, EvaluationPlan plan, Instant now, String nonce, Predicate<SamplerSettings> wanted) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (SamplerSettings settings : plan.samplersFor(event.getPhase())) {
            if (!wanted.test(settings)) {
                continue;
            }
            for (int chunk = 0; chunk < plan.requestsPerSampler(); chunk++) {
                requests.add(GenerationRequests.request(
                                requestId(event.getRunId(), event.getStep(), settings, chunk, nonce),
                                event.getRunId(),
                                event.getStep())
                        .numImages(plan.imagesInRequest(chunk))
                        .steps(settings.steps())
                        .seed(plan.requestSeed(chunk))
                        .tMid(settings.kind() == SamplerKind.ECT && settings.steps() == 2 ? settings.tMid() : null)
                        .format(ImageFormat.RAW_UINT8)
                        .sampler(settings.kind())
                        .purpose(TrafficPurpose.EVALUATION)
                        .build(now));
            }
        }
        return requests;
    }

    /** 128 random bits in hex, from a SecureRandom. */
    public static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code eval:<run>@<step>:<sampler label>:<chunk>:<nonce>}; unique per evaluation, sampler and chunk. */
    public static String requestId(String runId, long step, SamplerSettings settings, int chunk, String nonce) {
        return "eval:" + runId + "@" + step + ":" + label(settings) + ":" + chunk + ":" + nonce;
    }

    public static String label(SamplerSettings settings) {
        return settings.kind() == SamplerKind.ECT ? "ect" + settings.steps() : "heun" + settings.networkEvaluations();
    }

    /** {@code <run>@<step>}: the checkpoint a request evaluates. */
    public static String checkpointOf(GenerationRequest request) {
        return checkpoint(request.getModel().getRunId(), request.getModel().getStep());
    }

    public static String checkpoint(String runId, long step) {
        return runId + "@" + step;
    }
}
