package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import io.ectstream.benchmarks.sampler.BenchmarkJson;
import io.ectstream.benchmarks.sampler.SamplerBenchmark;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.sampler.Batching;
import io.ectstream.schemas.ImageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ectstream bench-sampler}: end-to-end images/s through Kafka vs the in-process forward pass, and latency. */
@Command(
        name = "bench-sampler",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark the sampler: Kafka end-to-end images/s vs the same model in-process (ratio), request latency"
                        + " under load and of 1-image requests alone; one generator per --device entry, or external serve processes.")
public class BenchSamplerCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--network",
            defaultValue = "small",
            description = "small (28x28, Fashion-MNIST size), tiny (8x8) or cifar10 (default ${DEFAULT-VALUE}).")
    String network;

    @Option(names = "--steps", defaultValue = "1", description = "(default ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--max-batch",
            defaultValue = "" + Batching.DEFAULT_MAX_BATCH_IMAGES,
            description = "(default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--images-per-request", defaultValue = "8", description = "(default ${DEFAULT-VALUE})")
    int imagesPerRequest;

    @Option(names = "--requests", defaultValue = "64", description = "(default ${DEFAULT-VALUE})")
    int requests;

    @Option(
            names = "--window",
            defaultValue = "16",
            description = "Requests kept in flight (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--latency-requests", defaultValue = "100", description = "(default ${DEFAULT-VALUE})")
    int latencyRequests;

    @Option(
            names = "--format",
            defaultValue = "RAW_UINT8",
            description = "RAW_UINT8 or PNG (default ${DEFAULT-VALUE}).")
    ImageFormat format;

    @Option(
            names = "--batch-invariant",
            negatable = true,
            defaultValue = "false",
            fallbackValue = "true",
            description =
                    "Image-by-image forward passes (the service's exact mode) instead of whole batches (default ${DEFAULT-VALUE}).")
    boolean batchInvariant;

    @Option(names = "--work-dir", description = "Folder for the benchmark checkpoint (default: a temporary folder).")
    Path workDir;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--external-samplers",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Run no sampler here: N serve processes already started (one per GPU, same --group-id as the prefix,"
                            + " --store WORK-DIR/store, topics PREFIX.requests etc.) serve the benchmark; its request topics get N"
                            + " partitions (default ${DEFAULT-VALUE}: the sampler runs here, one generator per --device entry).")
    int externalSamplers;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description =
                    "Topics PREFIX.checkpoints, .requests, .evaluation-requests, .results, .errors, created when missing"
                            + " (default: bench-<time>, fresh ones).")
    String topicPrefix;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Timed end-to-end rounds of --requests each, every one reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report to this JSON file.")
    Path json;

    static NetworkSpec network(String name) {
        return switch (name) {
            case "small" -> NetworkSpec.small();
            case "cifar10" -> NetworkSpec.cifar10();
            case "tiny" -> new NetworkSpec(8, 1, 1, 8, List.of(1), 1, 1, List.of(), 0.0, 0.5);
            default -> throw new IllegalArgumentException("--network must be small, tiny or cifar10, not " + name);
        };
    }

    SamplerBenchmark.Settings settings() {
        return new SamplerBenchmark.Settings(
                network(network),
                steps,
                maxBatch,
                imagesPerRequest,
                requests,
                window,
                latencyRequests,
                format,
                3,
                batchInvariant,
                externalSamplers > 0 ? List.of(Device.cpu()) : Devices.selectAll(device),
                externalSamplers,
                topicPrefix,
                rounds);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("ect-bench-");
        SamplerBenchmark.Report report =
                SamplerBenchmark.run(kafka.settings(), dir, settings(), line -> System.out.println("... " + line));
        System.out.println(report.describe());
        if (json != null) {
            BenchmarkJson.write(json, report);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
