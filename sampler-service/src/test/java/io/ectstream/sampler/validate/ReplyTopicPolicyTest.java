package io.ectstream.sampler.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.SamplerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyTopicPolicyTest {
    /** A broad prefix, so that the deny-list has to do the work. */
    private static final SamplerConfig DEFAULTS = SamplerConfig.defaults("127.0.0.1:9092", Path.of("store"));

    private final SamplerConfig config = withReplyTopics(
            DEFAULTS.withKafka(DEFAULTS.kafka().withResultsJsonTopic("json.results")),
            "ect.",
            List.of("team-a.images"));
    private final ReplyTopicPolicy policy = config.replyTopicPolicy();

    @Test
    void platformAndInternalTopicsAreNeverAllowedWhateverThePrefix() {
        Topics t = Topics.defaults();
        for (String topic : List.of(
                t.checkpoints(),
                t.progress(),
                t.requests(),
                t.errors(),
                t.fid(),
                "ect.eval.reference-stats",
                "ect.generate.results.json",
                "ect.eval.requests",
                "json.results",
                "__consumer_offsets",
                "__transaction_state",
                "_schemas",
                "ect-evaluator-moments-changelog",
                "ect.app-moments-repartition",
                "ect.x-changelog")) {
            Optional<String> refusal = policy.refusal(topic);
            assertTrue(refusal.isPresent(), topic);
            assertTrue(refusal.get().contains(topic) && refusal.get().contains("never a reply topic"), refusal.get());
        }
    }

    @Test
    void theResultsTopicThePrefixAndNamedTopicsAreAllowed() {
        assertEquals(Optional.empty(), policy.refusal("ect.generate.results"));
        assertEquals(Optional.empty(), policy.refusal("ect.results.team-b"));
        assertEquals(Optional.empty(), policy.refusal("team-a.images"));
        String refusal = policy.refusal("team-b.images").orElseThrow();
        assertTrue(
                refusal.contains("not an allowed reply topic (allowed: ect.generate.results, ect.*, team-a.images)"),
                refusal);
    }

    @Test
    void theDefaultsAllowOnlyTheResultsTopicAndTheResultsPrefix() {
        ReplyTopicPolicy defaults = DEFAULTS.replyTopicPolicy();
        assertEquals(Optional.empty(), defaults.refusal("ect.results.mine"));
        assertTrue(defaults.refusal("ect.checkpoints").isPresent());
        assertTrue(defaults.refusal("my.replies").isPresent());
        ReplyTopicPolicy none = withReplyTopics(DEFAULTS, "", List.of()).replyTopicPolicy();
        assertTrue(none.refusal("ect.results.mine").isPresent(), "an empty prefix allows nothing by prefix");
    }

    @Test
    void anOperatorCannotAllowAForbiddenTopicByName() {
        for (String topic : List.of("ect.checkpoints", "__consumer_offsets", "ect-evaluator-moments-changelog")) {
            SamplerConfig bad = withReplyTopics(config, "ect.results.", List.of(topic));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::replyTopicPolicy, topic);
            assertTrue(e.getMessage().contains(topic), e.getMessage());
        }
    }

    private static SamplerConfig withReplyTopics(SamplerConfig config, String prefix, List<String> named) {
        return config.withAdmission(config.admission().withReplyTopics(prefix, named));
    }
}
