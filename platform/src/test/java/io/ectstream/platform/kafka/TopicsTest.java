package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one map from role to topic name, and the services' declarations of the roles they use. */
class TopicsTest {

    @Test
    void theDefaultsNameEveryRoleAndTheLayoutUsesThem() {
        assertEquals(EnumSet.allOf(TopicRole.class), Topics.defaults().roles());
        assertEquals(Topics.defaults(), TopicLayout.defaults().names());
        assertEquals("ect.eval.requests", Topics.defaults().evaluationRequests());
        Topics renamed = Topics.defaults().with(TopicRole.ERRORS, "my.errors");
        assertEquals(
                "my.errors", TopicLayout.defaults(renamed).get(TopicRole.ERRORS).name());
        assertEquals(
                TopicLayout.defaults().get(TopicRole.ERRORS).configs(),
                TopicLayout.defaults(renamed).get(TopicRole.ERRORS).configs());
    }

    @Test
    void aRoleTheseTopicsDoNotHoldIsAnErrorNamingIt() {
        Topics two = new Topics(Map.of(TopicRole.RESULTS, "r", TopicRole.FID, "f"));
        InvalidKafkaSettingsException e = assertThrows(InvalidKafkaSettingsException.class, two::requests);
        assertTrue(e.getMessage().contains("requests"), e.getMessage());
        assertFalse(two.has(TopicRole.REQUESTS));
        assertThrows(
                InvalidKafkaSettingsException.class, () -> Topics.defaults().with(TopicRole.FID, " "));
    }

    @Test
    void aServiceHoldsExactlyTheRolesItDeclares() {
        for (ServiceAccess s : ServiceAccess.platform()) {
            assertEquals(s.required(), s.topics(Topics.defaults()).roles(), s.service());
            assertEquals(s.roles(), s.topics(Topics.defaults(), s.roles()).roles(), s.service());
            s.requireDeclared(s.topics(Topics.defaults()));
        }
        assertEquals(
                EnumSet.of(TopicRole.RESULTS, TopicRole.FID, TopicRole.ERRORS),
                ServiceAccess.EVALUATOR.topics(Topics.defaults()).roles(),
                "the evaluator's checkpoints are optional (--checkpoints-topic none)");
    }

    /** A service that uses a topic its declaration leaves out fails, so its ACLs and checks cannot miss that topic. */
    @Test
    void topicsOutsideTheDeclarationAreRefusedAndMissingOnesNamed() {
        Topics samplerWithProgress =
                ServiceAccess.SAMPLER.topics(Topics.defaults()).with(TopicRole.PROGRESS, "p");
        IllegalStateException undeclared = assertThrows(
                IllegalStateException.class, () -> ServiceAccess.SAMPLER.requireDeclared(samplerWithProgress));
        assertTrue(
                undeclared.getMessage().contains("uses progress (p), which it does not declare"),
                undeclared.getMessage());

        Topics noErrors = ServiceAccess.SAMPLER.topics(Topics.defaults()).without(TopicRole.ERRORS);
        IllegalStateException missing =
                assertThrows(IllegalStateException.class, () -> ServiceAccess.SAMPLER.requireDeclared(noErrors));
        assertTrue(missing.getMessage().contains("declares errors but has no topic for it"), missing.getMessage());

        InvalidKafkaSettingsException notHeld = assertThrows(
                InvalidKafkaSettingsException.class,
                () -> ServiceAccess.TRAINER.topics(Topics.defaults()).results());
        assertTrue(notHeld.getMessage().contains("results"), notHeld.getMessage());
        assertEquals(Set.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS), ServiceAccess.TRAINER.roles());
    }

    @Test
    void aServiceCopiesOnlyTopicsItReads() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ServiceAccess(
                        "copier",
                        List.of(TopicRole.FID),
                        List.of(),
                        List.of(),
                        List.of(),
                        false,
                        List.of(),
                        false,
                        List.of(TopicRole.RESULTS),
                        List.of()));
        assertTrue(e.getMessage().contains("copies results"), e.getMessage());
        assertEquals("ect.eval.fid.json", Topics.jsonCopyOf(Topics.defaults().fid()));
    }
}
