package io.ectstream.evaluator.stream;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import java.nio.file.Path;
import java.util.Map;

/** Evaluator configurations for tests: small topics, fast commits, a short session timeout. */
public final class Configs {
    private Configs() {}

    public static EvaluatorConfig config(String appId, String bootstrap, Path stateDir, ReportSchedule schedule) {
        return withCheckpoints(config(appId, bootstrap, stateDir, schedule, "results", "fid", "errors"), "checkpoints");
    }

    static EvaluatorConfig withCheckpoints(EvaluatorConfig c, String checkpointsTopic) {
        return c.withTopics(c.topics().with(TopicRole.CHECKPOINTS, checkpointsTopic));
    }

    static EvaluatorConfig config(
            String appId,
            String bootstrap,
            Path stateDir,
            ReportSchedule schedule,
            String results,
            String fid,
            String errors) {
        return new EvaluatorConfig(
                KafkaClientSettings.of(bootstrap),
                appId,
                new Topics(Map.of(TopicRole.RESULTS, results, TopicRole.FID, fid, TopicRole.ERRORS, errors)),
                schedule,
                16,
                new EvaluatorConfig.Streams(
                        stateDir,
                        EvaluatorConfig.DEFAULT_MAX_MESSAGE_BYTES,
                        Map.of(
                                "session.timeout.ms",
                                "6000",
                                "heartbeat.interval.ms",
                                "500",
                                "commit.interval.ms",
                                "100",
                                "num.stream.threads",
                                "1",
                                "statestore.cache.max.bytes",
                                "0")));
    }
}
