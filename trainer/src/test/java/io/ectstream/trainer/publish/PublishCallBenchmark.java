package io.ectstream.trainer.publish;

import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.schemas.CheckpointEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * How long the training thread's publish calls take (BENCHMARKS.md, "Training event publisher"): with the broker up,
 * with the broker stopped mid-run, and with nothing listening on the port. Tests assert only that the calls return
 * while the broker is away (BrokerOutageTest, KafkaTrainingEventsTest); the timings are measured here.
 * Argument: calls per case (default 20000), one checkpoint event every 100 calls, progress records otherwise; a queue
 * bound of 10,000 events (the default), so the broker-away cases also time the drops of the oldest progress records.
 */
public final class PublishCallBenchmark {
    private PublishCallBenchmark() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path store = Files.createTempDirectory("ect-publish-bench");
        CheckpointEvent checkpoint =
                TestEvents.checkpoint(store, "bench", 1, TestEvents.writeCheckpointFile(store, "bench", 1, 1_000));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            PublisherConfig config = new PublisherConfig(
                    KafkaClientSettings.of(broker.bootstrapServers()),
                    TestEvents.uniqueTopics(),
                    10_000,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5));
            try (KafkaTrainingEvents events = new KafkaTrainingEvents(config)) {
                report("broker up", time(events, checkpoint, calls));
                TestEvents.awaitDelivered(events, 1, Duration.ofSeconds(30));
                broker.stop();
                report("broker stopped", time(events, checkpoint, calls));
            }
        }
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PublisherConfig unreachable = new PublisherConfig(
                KafkaClientSettings.of("127.0.0.1:" + closedPort),
                TestEvents.uniqueTopics(),
                10_000,
                Duration.ofMillis(300),
                Duration.ofMillis(500));
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(unreachable)) {
            report("nothing on the port", time(events, checkpoint, calls));
        }
    }

    private static long[] time(KafkaTrainingEvents events, CheckpointEvent checkpoint, int calls) {
        for (int i = 0; i < 1_000; i++) { // warm-up: class loading, the first drop and its log line
            events.progress(TestEvents.progress("bench", -i));
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            if (i % 100 == 0) {
                events.checkpointWritten(checkpoint);
            } else {
                events.progress(TestEvents.progress("bench", i));
            }
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String label, long[] sorted) {
        System.out.printf(
                "%-40s calls=%d p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                label,
                sorted.length,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
