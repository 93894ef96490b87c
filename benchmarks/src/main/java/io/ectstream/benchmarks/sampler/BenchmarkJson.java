package io.ectstream.benchmarks.sampler;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The sampler benchmark's report as a JSON file (figures as numbers; NaN where not measured becomes null). */
public final class BenchmarkJson {
    private BenchmarkJson() {}

    public static JsonObject of(SamplerBenchmark.Report r) {
        SamplerBenchmark.Settings s = r.settings();
        return new JsonObject()
                .put("date", Instant.now().toString())
                .put("shape", s.shape())
                .put(
                        "devices",
                        new JsonArray(
                                s.externalSamplers() > 0
                                        ? java.util.List.of()
                                        : s.devices().stream()
                                                .map(Object::toString)
                                                .toList()))
                .put("externalSamplers", s.externalSamplers())
                .put("requestPartitions", r.requestPartitions())
                .put("network", s.network().toString())
                .put("parameters", r.parameters())
                .put("steps", s.steps())
                .put("maxBatch", s.maxBatch())
                .put("imagesPerRequest", s.imagesPerRequest())
                .put("requestsPerRound", s.requests())
                .put("window", s.window())
                .put("format", s.format().toString())
                .put("batchInvariant", s.batchInvariant())
                .put("endToEndImagesPerSecond", number(r.endToEndImagesPerSecond()))
                .put("endToEndRoundsImagesPerSecond", new JsonArray(r.endToEndRounds()))
                .put("inProcessImagesPerSecond", number(r.inProcessImagesPerSecond()))
                .put("ratio", number(r.ratio()))
                .put("loadedLatencyP50Ms", number(r.loadedP50Ms()))
                .put("loadedLatencyP99Ms", number(r.loadedP99Ms()))
                .put("loadedLatencyMaxMs", number(r.loadedMaxMs()))
                .put("oneImageLatencyP50Ms", number(r.p50Ms()))
                .put("oneImageLatencyP99Ms", number(r.p99Ms()))
                .put("oneImageLatencyMaxMs", number(r.maxMs()))
                .put("latencyRequests", s.latencyRequests())
                .put("duplicateAnswers", r.duplicateAnswers())
                .put("batchesPerGenerator", new JsonArray(r.batchesPerGenerator()))
                .put("serviceStats", r.serviceStats());
    }

    private static Double number(double value) {
        return Double.isNaN(value) ? null : value;
    }

    public static void write(Path file, SamplerBenchmark.Report report) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, of(report).encodePrettily() + "\n");
    }
}
