package io.ectstream.fidtools.score;

/** Score results for tests of the results file and the plot. */
public final class ScoreResultFixtures {
    private ScoreResultFixtures() {}

    public static ScoreResult result(
            String runId, long step, long imagesSeen, String phase, String sampler, double fid) {
        return result(runId, step, imagesSeen, phase, "ema", sampler, fid);
    }

    public static ScoreResult result(
            String runId, long step, long imagesSeen, String phase, String weights, String sampler, double fid) {
        int nfe = switch (sampler) {
            case "ect1" -> 1;
            case "ect2" -> 2;
            default -> 35;
        };
        return new ScoreResult(
                runId,
                step,
                imagesSeen,
                phase,
                "ECT".equals(phase) ? 1 : 0,
                "ab".repeat(32),
                weights,
                sampler,
                nfe,
                10000,
                0,
                0.821,
                fid,
                "feature-net:0123",
                "ref:4567",
                12.5,
                800.0,
                "cpu()");
    }
}
