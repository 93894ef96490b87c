package io.ectstream.kafka.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving tests a real Kafka broker: Testcontainers' Kafka where a Docker engine
 * answers, the embedded KRaft broker otherwise. One broker serves every test class of a test run
 * and is shut down when the run ends. Inject it as a {@link KafkaCluster} parameter into a class annotated
 * {@link BrokerTest} (or tagged {@code browser}); any other class gets a clear error, so no broker test escapes its tier.
 * The system property {@code ectstream.kafka=embedded|container} forces the choice.
 */
public final class KafkaBrokerExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    /** A test that gets a broker belongs to one of these tiers (see {@link BrokerTest}). */
    private static final java.util.Set<String> TIERS = java.util.Set.of(BrokerTest.TAG, "browser");

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTags().stream().noneMatch(TIERS::contains)) {
            throw new ParameterResolutionException(
                    context.getRequiredTestClass().getName() + " talks to a broker but is in no"
                            + " test tier: annotate it with @BrokerTest (the broker tag and a timeout) instead of @ExtendWith(KafkaBrokerExtension.class)");
        }
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent("cluster", key -> new SharedCluster(startCluster()), SharedCluster.class)
                .cluster();
    }

    private static KafkaCluster startCluster() {
        String forced = System.getProperty("ectstream.kafka", "auto");
        if (!forced.equals("embedded") && (forced.equals("container") || ContainerKafka.dockerAvailable())) {
            log.info("Kafka for tests: Testcontainers {} (a Docker engine answered)", ContainerKafka.IMAGE);
            return ContainerKafka.start();
        }
        log.info("Kafka for tests: embedded KRaft broker (no Docker engine)");
        return EmbeddedKafkaBroker.startTemporary();
    }

    private record SharedCluster(KafkaCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
