package io.ectstream.fidtools.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.driver.TinyCheckpoint;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.evaluator.stream.Configs;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.EvaluatorCounters;
import io.ectstream.evaluator.stream.FidTopology;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.evaluator.stream.StreamsSettings;
import io.ectstream.evaluator.stream.TestResults;
import io.ectstream.fidtools.cli.ScoreCommand;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The streaming evaluator and {@code score} give the same FID for the same samples (issue 18: to 1e-6 relative).
 * {@code score} runs as the command; the images it generates (seed S + i, in batches of its --batch-size, with the
 * loader it uses) go through the real topology as the sampler's evaluation results would, in chunks, half of them
 * PNG, with the same extractor and reference statistics file. No broker: transport does not touch the images.
 */
class ScoreMatchesStreamingFidTest {
    private static final String EXTRACTOR = "random-projection:16:7";
    private static final int SAMPLES = 48;
    private static final int BATCH = 16;
    private static final long SEED = 100;

    @TempDir
    Path dir;

    @Test
    void streamingFidOfACheckpointEqualsScoresForTheSameSamples() throws Exception {
        CheckpointEvent event = TinyCheckpoint.write(dir, "tuned", 30, Phase.ECT, 21);
        Path checkpoint = dir.resolve(event.getCheckpointUri());
        Path referenceFile = dir.resolve("reference.ectref");
        FeatureExtractor extractor = ExtractorSpec.open(EXTRACTOR, TestResults.SHAPE);
        ReferenceStatsBuilder.compute(
                        new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(4), 200)),
                        extractor,
                        64)
                .write(referenceFile);
        Path results = dir.resolve("scores.jsonl");
        StringWriter err = new StringWriter();
        CommandLine score = new CommandLine(new ScoreCommand());
        score.setErr(new PrintWriter(err));
        score.setOut(new PrintWriter(new StringWriter()));
        int exit = score.execute(
                "--checkpoint",
                checkpoint.toString(),
                "--sampler",
                "ect1,ect2",
                "--samples",
                "" + SAMPLES,
                "--seed",
                "" + SEED,
                "--batch-size",
                "" + BATCH,
                "--extractor",
                EXTRACTOR,
                "--reference-stats",
                referenceFile.toString(),
                "--results",
                results.toString(),
                "--device",
                "cpu");
        assertEquals(0, exit, err.toString());
        Map<String, Double> scored = ScoreResultsFile.read(results).stream()
                .collect(Collectors.toMap(ScoreResult::sampler, ScoreResult::fid));

        ReferenceStatistics reference = ReferenceStatistics.read(referenceFile);
        EvaluatorConfig config =
                Configs.config("score-vs-stream", "unused:9092", dir.resolve("state"), new ReportSchedule(SAMPLES, 0));
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        ModelVersion version = new ModelVersion(event.getRunId(), event.getStep(), Phase.ECT, event.getSha256());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                        FidTopology.buildTopology(config, extractor, reference, new EvaluatorCounters(), clock),
                        StreamsSettings.properties(config));
                ImageGenerator generator =
                        new CheckpointModelLoader(Device.cpu(), false, Precision.FP32).load(checkpoint, null)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(
                    config.topics().results(), new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, FidReport> out = driver.createOutputTopic(
                    config.topics().fid(),
                    new StringDeserializer(),
                    AvroSerdes.fidReport().deserializer());
            for (int steps = 1; steps <= 2; steps++) {
                SamplerSettings settings = SamplerSettings.ect(steps, SamplerSettings.DEFAULT_T_MID);
                for (int start = 0; start < SAMPLES; start += BATCH) {
                    long first = SEED + start;
                    long[] seeds = new long[BATCH];
                    Arrays.setAll(seeds, i -> first + i);
                    List<byte[]> images = Arrays.asList(generator.generate(seeds, settings));
                    String requestId = "eval:tuned@30:ect" + steps + ":" + start;
                    GenerationResult result = GenerationResult.newBuilder(TestResults.result(
                                    requestId,
                                    version,
                                    steps,
                                    TrafficPurpose.EVALUATION,
                                    images,
                                    start % (2 * BATCH) == 0 ? ImageFormat.PNG : ImageFormat.RAW_UINT8))
                            .setSeed(SEED + start)
                            .setTMid(steps == 2 ? SamplerSettings.DEFAULT_T_MID : null)
                            .build();
                    in.pipeInput(
                            requestId,
                            AvroSerdes.generationResult().serializer().serialize("", result));
                }
            }
            List<FidReport> reports = out.readValuesToList();
            assertEquals(2, reports.size(), reports.toString());
            for (FidReport report : reports) {
                assertEquals(FidWindowKind.ALL, report.getWindow().getKind());
                assertEquals(SAMPLES, report.getNumSamples());
                double expected = scored.get("ect" + report.getNetworkEvaluations());
                assertTrue(expected > 0, "FID " + expected);
                assertEquals(
                        expected,
                        report.getFid(),
                        1e-6 * expected,
                        "ect" + report.getNetworkEvaluations() + ": score " + expected + ", stream " + report.getFid());
            }
        }
    }
}
