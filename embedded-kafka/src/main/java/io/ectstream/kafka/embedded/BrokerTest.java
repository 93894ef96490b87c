package io.ectstream.kafka.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that talks to a real Kafka broker: it can take a {@link KafkaCluster} parameter
 * ({@link KafkaBrokerExtension}), runs in the {@code broker} tier ({@code -Dgroups=broker} runs only these,
 * {@code -DexcludedGroups=broker} leaves them out), and each test fails after 5 minutes instead of hanging a build on
 * a broker that never answers. A class that needs longer declares its own {@code @Timeout}, which wins.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(BrokerTest.TAG)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(KafkaBrokerExtension.class)
public @interface BrokerTest {
    String TAG = "broker";
}
