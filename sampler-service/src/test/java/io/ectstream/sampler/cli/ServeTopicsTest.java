package io.ectstream.sampler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.schemas.serde.RecordFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** serve runs with exactly the topics the sampler's declaration names: its check at start and its ACLs see the same. */
class ServeTopicsTest {

    @Test
    void serveHoldsTheDeclaredRolesUnderTheNamesOfItsFlags() {
        SamplerConfig config = ServeCommandAccess.config(
                Map.of(), "--store", "/tmp/s", "--errors-topic", "my.errors", "--evaluation-requests-topic", "my.eval");
        Topics topics = config.kafka().topics();
        assertEquals(ServiceAccess.SAMPLER.required(), topics.roles(), "no JSON results unless asked");
        assertEquals("my.errors", topics.errors());
        assertEquals("my.eval", topics.evaluationRequests());

        Topics withJson = ServeCommandAccess.config(Map.of(), "--store", "/tmp/s", "--results-json-topic", "j")
                .kafka()
                .topics();
        assertEquals(ServiceAccess.SAMPLER.roles(), withJson.roles());
        assertEquals("j", withJson.resultsJson());
    }

    @Test
    void aSamplerWithATopicItDoesNotDeclareIsRefused() {
        Topics withProgress = SamplerKafka.topicsOf(Topics.defaults(), false).with(TopicRole.PROGRESS, "p");
        assertThrows(
                IllegalStateException.class,
                () -> new SamplerKafka(KafkaClientSettings.of("h:1"), "g", withProgress, RecordFormat.SINGLE_OBJECT));
    }
}
