package io.ectstream.launcher.dashboard;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SampleCaption;
import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.TrainingProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the dashboard shows, folded from the platform's topics. Thread-safe. */
final class DashboardState {
    static final int IMAGES_PER_GRID = 64; // 8 x 8
    /** Error codes of user requests the sampler refused rather than served late (EXPIRED: by name, newer schemas). */
    static final List<String> SHED_CODES = List.of("OVERLOADED", "EXPIRED", "TOO_COSTLY");

    /** Newest checkpoints per run whose samples are kept. */
    static final int CHECKPOINTS_SHOWN = 6;

    static final int MAX_FID_POINTS = 5000;

    private final Map<String, JsonObject> progressByRun = new TreeMap<>();
    private final List<JsonObject> checkpoints = new ArrayList<>();
    private final List<JsonObject> fidPoints = new ArrayList<>();
    private final Map<SampleKey, List<String>> samples = new LinkedHashMap<>();
    private final Map<String, Long> imagesSeenByVersion = new LinkedHashMap<>();
    private final RollingRate userImages = new RollingRate(10_000);
    private final RollingRate userRequests = new RollingRate(10_000);
    private final Map<String, Long> userShed = new TreeMap<>();
    private final Map<String, JsonObject> unevaluated = new TreeMap<>();
    private final RollingRate evaluationImages = new RollingRate(10_000);
    private final LatencyWindow userLatency = new LatencyWindow(1000);
    private Map<String, Map<String, Long>> lag = Map.of();
    private long undecodable;
    private long samplesVersion;
    private final DashboardRoles roles;

    DashboardState() {
        this(DashboardRoles.NONE);
    }

    DashboardState(DashboardRoles roles) {
        this.roles = roles;
    }

    synchronized void progress(TrainingProgress p) {
        progressByRun.put(
                p.getRunId(),
                new JsonObject()
                        .put("runId", p.getRunId())
                        .put("step", p.getStep())
                        .put("kimg", p.getImagesSeen() / 1000.0)
                        .put("totalKimg", p.getTotalImages() / 1000.0)
                        .put("phase", p.getPhase().name())
                        .put("stage", p.getEctStage())
                        .put("loss", finite(p.getLoss()))
                        .put("imagesPerSecond", finite(p.getImagesPerSecond()))
                        .put("etaSeconds", p.getEtaSeconds()));
    }

    synchronized void checkpoint(CheckpointEvent e) {
        imagesSeenByVersion.put(e.getRunId() + "@" + e.getStep(), e.getImagesSeen());
        checkpoints.add(new JsonObject()
                .put("runId", e.getRunId())
                .put("step", e.getStep())
                .put("kimg", e.getImagesSeen() / 1000.0)
                .put("phase", e.getPhase().name())
                .put("stage", e.getEctStage())
                .put("sizeBytes", e.getSizeBytes())
                .put("loss", finite(e.getTrainingLoss())));
        if (checkpoints.size() > 200) {
            checkpoints.remove(0);
        }
    }

    synchronized void fid(FidReport r) {
        String version =
                r.getModelVersion().getRunId() + "@" + r.getModelVersion().getStep();
        Long imagesSeen = r.getImagesSeen() != null ? r.getImagesSeen() : imagesSeenByVersion.get(version);
        fidPoints.add(new JsonObject()
                .put("runId", r.getModelVersion().getRunId())
                .put("step", r.getModelVersion().getStep())
                .put("phase", r.getModelVersion().getPhase().name())
                .put("kimg", imagesSeen == null ? null : imagesSeen / 1000.0)
                .put("sampler", r.getSampler().name())
                .put("networkEvaluations", r.getNetworkEvaluations())
                .put("label", SampleCaption.label(r.getSampler(), r.getNetworkEvaluations()))
                .put("purpose", r.getPurpose().name())
                .put("window", r.getWindow().getKind().name())
                .put("numSamples", r.getNumSamples())
                .put("fid", finite(r.getFid())));
        if (fidPoints.size() > MAX_FID_POINTS) {
            fidPoints.remove(0);
        }
        if (r.getPurpose() == TrafficPurpose.EVALUATION) {
            unevaluated.remove(version); // a later evaluation (a backfill) scored it after all
        }
    }

    /**
     * An error record: a checkpoint the evaluation driver could not evaluate (a row with the reason), or a
     * user request the sampler refused under load (counted by code). Evaluation requests ids start with "eval:".
     */
    synchronized void error(GenerationError e) {
        UnevaluatedCheckpoint u = UnevaluatedCheckpoint.from(e);
        if (u != null) {
            unevaluated.put(
                    u.runId() + "@" + u.step(),
                    new JsonObject()
                            .put("runId", u.runId())
                            .put("step", u.step())
                            .put("phase", u.phase().name())
                            .put("kimg", u.imagesSeen() == null ? null : u.imagesSeen() / 1000.0)
                            .put("reason", u.reason()));
            return;
        }
        String code = e.getCode().name();
        if (e.getRequestId() != null && !e.getRequestId().startsWith("eval:") && SHED_CODES.contains(code)) {
            userShed.merge(code, 1L, Long::sum);
        }
    }

    synchronized void result(GenerationResult r, long nowMillis) {
        int count = r.getImages().size();
        if (r.getPurpose() == TrafficPurpose.USER) {
            userImages.add(nowMillis, count);
            if (r.getChunkIndex() == r.getChunkCount() - 1) {
                userRequests.add(nowMillis, 1);
            }
            userLatency.add(r.getTimings().getTotalMs());
        } else {
            evaluationImages.add(nowMillis, count);
        }
        SampleKey key = new SampleKey(
                r.getModelVersion().getRunId(),
                r.getModelVersion().getStep(),
                r.getSampler(),
                r.getNetworkEvaluations());
        List<String> grid = samples.computeIfAbsent(key, k -> new ArrayList<>());
        if (grid.size() >= IMAGES_PER_GRID) {
            return;
        }
        ImageShape shape = new ImageShape(r.getChannels(), r.getHeight(), r.getWidth());
        for (ByteBuffer image : r.getImages()) {
            if (grid.size() >= IMAGES_PER_GRID) {
                break;
            }
            byte[] bytes = bytes(image);
            byte[] png = r.getImageFormat() == ImageFormat.PNG ? bytes : ImageCodec.toPng(bytes, shape);
            grid.add(Base64.getEncoder().encodeToString(png));
        }
        keepNewestCheckpoints(key.runId());
        samplesVersion++;
    }

    synchronized void undecodable() {
        undecodable++;
    }

    synchronized void lag(Map<String, Map<String, Long>> lagByGroupAndTopic) {
        lag = lagByGroupAndTopic;
    }

    synchronized long samplesVersion() {
        return samplesVersion;
    }

    synchronized JsonObject toJson(boolean withSamples, long nowMillis) {
        JsonObject json = new JsonObject()
                .put("roles", roles.toJson())
                .put("progress", new JsonArray(new ArrayList<>(progressByRun.values())))
                .put("checkpoints", new JsonArray(new ArrayList<>(checkpoints)))
                .put("fid", new JsonArray(new ArrayList<>(fidPoints)))
                .put(
                        "throughput",
                        new JsonObject()
                                .put("userImagesPerSecond", userImages.perSecond(nowMillis))
                                .put("userRequestsPerSecond", userRequests.perSecond(nowMillis))
                                .put("evaluationImagesPerSecond", evaluationImages.perSecond(nowMillis))
                                .put("userLatencyP50Ms", finite(userLatency.percentile(50)))
                                .put("userLatencyP99Ms", finite(userLatency.percentile(99)))
                                .put("latencySamples", userLatency.count()))
                .put("userShed", new JsonObject(new LinkedHashMap<>(userShed)))
                .put("unevaluated", new JsonArray(new ArrayList<>(unevaluated.values())))
                .put("lag", lagJson())
                .put("undecodable", undecodable)
                .put("samplesVersion", samplesVersion);
        if (withSamples) {
            JsonArray grids = new JsonArray();
            samples.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<SampleKey, List<String>> e) ->
                                    e.getKey().step())
                            .reversed())
                    .forEach(e -> grids.add(new JsonObject()
                            .put("runId", e.getKey().runId())
                            .put("step", e.getKey().step())
                            .put("sampler", e.getKey().sampler().name())
                            .put("networkEvaluations", e.getKey().networkEvaluations())
                            .put("label", e.getKey().label())
                            .put("caption", e.getKey().caption())
                            .put("pngs", new JsonArray(new ArrayList<>(e.getValue())))));
            json.put("samples", grids);
        }
        return json;
    }

    private JsonObject lagJson() {
        JsonObject json = new JsonObject();
        lag.forEach((group, topics) -> json.put(group, new JsonObject(new LinkedHashMap<>(topics))));
        return json;
    }

    /** Keeps the samples of the run's newest checkpoints only; other runs (the served model, the teacher) stay. */
    private void keepNewestCheckpoints(String runId) {
        List<Long> checkpointSteps = samples.keySet().stream()
                .filter(k -> k.runId().equals(runId))
                .map(SampleKey::step)
                .distinct()
                .sorted(Comparator.reverseOrder())
                .toList();
        if (checkpointSteps.size() > CHECKPOINTS_SHOWN) {
            long oldestKept = checkpointSteps.get(CHECKPOINTS_SHOWN - 1);
            samples.keySet().removeIf(k -> k.runId().equals(runId) && k.step() < oldestKept);
        }
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
