package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.history.FidHistoryReader;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * What a backfill of one run still has to score: every (checkpoint, sampler) of the run without an evaluation
 * FID over all its samples (an ALL report of purpose EVALUATION). Reports on user traffic do not count.
 */
public final class Backfill {
    private final String runId;
    private final Set<String> scored = new HashSet<>();

    public Backfill(String runId, Iterable<FidReport> reports) {
        this.runId = runId;
        for (FidReport r : reports) {
            if (runId.equals(r.getModelVersion().getRunId())
                    && r.getPurpose() == TrafficPurpose.EVALUATION
                    && r.getWindow().getKind() == FidWindowKind.ALL) {
                scored.add(key(r.getModelVersion().getStep(), r.getSampler(), r.getNetworkEvaluations()));
            }
        }
    }

    /** Reads the run's reports from the FID topic (from its beginning up to its end now). */
    public static Backfill read(KafkaClientSettings settings, String fidTopic, String runId, Duration timeout) {
        return new Backfill(
                runId, FidHistoryReader.read(settings, fidTopic, runId, timeout).reports());
    }

    public String runId() {
        return runId;
    }

    /** Whether the checkpoint has its evaluation FID for this sampler (reports count network evaluations as steps). */
    public boolean scored(long step, SamplerSettings sampler) {
        return scored.contains(key(step, sampler.kind(), sampler.networkEvaluations()));
    }

    private static String key(long step, SamplerKind sampler, int networkEvaluations) {
        return step + ":" + sampler + ":" + networkEvaluations;
    }
}
