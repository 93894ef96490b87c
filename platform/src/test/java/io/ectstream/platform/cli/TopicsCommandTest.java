package io.ectstream.platform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.RequestPartitions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** topics create|describe on the real broker. */
@BrokerTest
class TopicsCommandTest {
    private record Run(int code, String out) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        return new Run(code, out.toString());
    }

    private static String[] names(String prefix, String... more) {
        List<String> args = new java.util.ArrayList<>();
        for (String role : List.of(
                "checkpoints",
                "progress",
                "requests",
                "evaluation-requests",
                "results",
                "errors",
                "fid",
                "reference-stats",
                "results-json")) {
            args.add("--topic");
            args.add(role + "=" + prefix + role);
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void createThenDescribeShowsEveryTopicAsConfigured(KafkaCluster kafka) {
        String b = kafka.bootstrapServers();
        Run missing =
                run(new TopicsCommand(), concat(new String[] {"describe", "--bootstrap-servers", b}, names("tc1.")));
        assertEquals(1, missing.code(), missing.out());
        assertEquals(9, missing.out().lines().filter(l -> l.contains("MISSING")).count(), missing.out());

        Run created = run(
                new TopicsCommand(),
                concat(
                        new String[] {"create", "--bootstrap-servers", b},
                        names(
                                "tc1.",
                                "--partitions",
                                "requests=4",
                                "--retention-ms",
                                "results=600000",
                                "--cleanup-policy",
                                "fid=compact",
                                "--topic-config",
                                "errors:min.insync.replicas=1",
                                "--replication-factor",
                                "1")));
        assertEquals(0, created.code(), created.out());
        assertEquals(
                9, created.out().lines().filter(l -> l.startsWith("created")).count(), created.out());

        try (KafkaTopics topics = new KafkaTopics(KafkaClientSettings.of(b), Duration.ofSeconds(20))) {
            Map<String, KafkaTopics.Described> d = topics.describe(
                    List.of("tc1.requests", "tc1.results", "tc1.fid", "tc1.errors", "tc1.reference-stats"));
            assertEquals(4, d.get("tc1.requests").partitions());
            assertEquals(1, d.get("tc1.requests").replicationFactor());
            assertEquals("600000", d.get("tc1.results").configs().get("retention.ms"));
            assertEquals("compact", d.get("tc1.fid").configs().get("cleanup.policy"));
            assertEquals("1", d.get("tc1.errors").configs().get("min.insync.replicas"));
            assertEquals("compact", d.get("tc1.reference-stats").configs().get("cleanup.policy"));
        }

        Run again = run(new TopicsCommand(), concat(new String[] {"create", "--bootstrap-servers", b}, names("tc1.")));
        assertEquals(9, again.out().lines().filter(l -> l.startsWith("exists")).count(), again.out());
        Run described =
                run(new TopicsCommand(), concat(new String[] {"describe", "--bootstrap-servers", b}, names("tc1.")));
        // the defaults differ in two settings; more partitions (4 for 3) and an extra config are no drift
        assertEquals(1, described.code(), described.out());
        assertTrue(
                described.out().contains("tc1.requests") && described.out().contains("partitions=4"), described.out());
        assertEquals(
                List.of(
                        "DRIFT tc1.results retention.ms=600000, expected 86400000",
                        "DRIFT tc1.fid cleanup.policy=compact, expected delete"),
                drift(described));
        assertEquals(
                2,
                again.out()
                        .lines()
                        .filter(l -> l.startsWith("DRIFT") && l.endsWith("(--fix-drift applies the definition)"))
                        .count(),
                again.out());
        Run asCreated = run(
                new TopicsCommand(),
                concat(
                        new String[] {"describe", "--bootstrap-servers", b},
                        names(
                                "tc1.",
                                "--partitions",
                                "requests=4",
                                "--retention-ms",
                                "results=600000",
                                "--cleanup-policy",
                                "fid=compact",
                                "--replication-factor",
                                "1")));
        assertEquals(0, asCreated.code(), asCreated.out());
        assertEquals(List.of(), drift(asCreated), "as created, nothing drifted");
    }

    /** Two sampler processes (one per GPU) in one group: both request topics get one partition each. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestPartitionsFollowTheSamplerProcesses(KafkaCluster kafka) {
        String b = kafka.bootstrapServers();
        String n = Integer.toString(RequestPartitions.forSamplerProcesses(2));
        Run created = run(
                new TopicsCommand(),
                concat(
                        new String[] {"create", "--bootstrap-servers", b, "--request-partitions", n},
                        names("tc4.", "--only", "requests,evaluation-requests,results")));
        assertEquals(0, created.code(), created.out());
        Run fixed = run(
                new TopicsCommand(),
                concat(
                        new String[] {"create", "--bootstrap-servers", b, "--request-partitions", "1"},
                        names("tc5.", "--partitions", "requests=4", "--only", "requests,evaluation-requests")));
        assertEquals(0, fixed.code(), fixed.out());
        try (KafkaTopics topics = new KafkaTopics(KafkaClientSettings.of(b), Duration.ofSeconds(20))) {
            Map<String, KafkaTopics.Described> d = topics.describe(List.of(
                    "tc4.requests",
                    "tc4.evaluation-requests",
                    "tc4.results",
                    "tc5.requests",
                    "tc5.evaluation-requests"));
            assertEquals(2, d.get("tc4.requests").partitions());
            assertEquals(2, d.get("tc4.evaluation-requests").partitions());
            assertEquals(3, d.get("tc4.results").partitions(), "results keep their default");
            assertEquals(4, d.get("tc5.requests").partitions(), "--partitions requests=N wins");
            assertEquals(1, d.get("tc5.evaluation-requests").partitions());
        }
    }

    @Test
    void describeReportsEveryDriftOfTopicsMadeWithoutTheirSettingsAndCreateFixesThem(KafkaCluster kafka) {
        String b = kafka.bootstrapServers();
        // as `broker` used to make them: one partition, no configs
        kafka.createTopics(1, "tc2.checkpoints", "tc2.requests", "tc2.results", "tc2.fid", "tc2.reference-stats");
        String[] only = {"--only", "checkpoints,requests,results,fid,reference-stats"};
        Run drifted = run(
                new TopicsCommand(), concat(new String[] {"describe", "--bootstrap-servers", b}, names("tc2.", only)));
        assertEquals(1, drifted.code(), drifted.out());
        assertEquals(0, drifted.out().lines().filter(l -> l.contains("MISSING")).count(), drifted.out());
        List<String> drift = drift(drifted);
        for (String expected : List.of(
                "DRIFT tc2.checkpoints retention.ms=604800000, expected -1",
                "DRIFT tc2.fid retention.ms=604800000, expected -1",
                "DRIFT tc2.requests partitions=1, expected 3",
                "DRIFT tc2.requests retention.ms=604800000, expected 86400000",
                "DRIFT tc2.reference-stats cleanup.policy=delete, expected compact")) {
            assertTrue(drift.contains(expected), expected + " in\n" + drifted.out());
        }
        assertTrue(
                drift.stream()
                        .anyMatch(l -> l.startsWith("DRIFT tc2.results max.message.bytes=")
                                && l.endsWith(", expected 33554432")),
                drifted.out());
        assertEquals(drift.size(), drift.stream().distinct().count(), "one line per drift: " + drifted.out());

        Run fixed = run(
                new TopicsCommand(),
                concat(new String[] {"create", "--fix-drift", "--bootstrap-servers", b}, names("tc2.", only)));
        assertEquals(0, fixed.code(), fixed.out());
        assertEquals(
                drift.size(),
                fixed.out().lines().filter(l -> l.startsWith("fixed")).count(),
                fixed.out());
        Run clean = run(
                new TopicsCommand(), concat(new String[] {"describe", "--bootstrap-servers", b}, names("tc2.", only)));
        assertEquals(0, clean.code(), clean.out());
        assertEquals(List.of(), drift(clean));
    }

    private static List<String> drift(Run run) {
        return run.out().lines().filter(l -> l.startsWith("DRIFT")).toList();
    }

    @Test
    void badTopicOptionsAreRejectedClearly(KafkaCluster kafka) {
        Run badRole = run(
                new TopicsCommand(),
                "create",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--partitions",
                "nope=3");
        assertTrue(badRole.code() != 0 && badRole.out().contains("unknown topic role 'nope'"), badRole.out());
        Run zero = run(
                new TopicsCommand(),
                "create",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--partitions",
                "results=0");
        assertTrue(zero.code() != 0 && zero.out().contains("partitions must be >= 1"), zero.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
