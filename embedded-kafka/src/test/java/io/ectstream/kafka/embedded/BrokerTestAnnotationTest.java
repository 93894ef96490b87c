package io.ectstream.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.commons.support.AnnotationSupport;

/** What @BrokerTest gives a class, read the way JUnit reads it (annotations found through meta-annotations). */
class BrokerTestAnnotationTest {

    @BrokerTest
    static final class Annotated {}

    @Test
    void aBrokerTestClassIsTaggedTimedOutAndGetsTheExtension() {
        assertEquals(
                List.of("broker"),
                AnnotationSupport.findRepeatableAnnotations(Annotated.class, Tag.class).stream()
                        .map(Tag::value)
                        .toList());
        Timeout timeout =
                AnnotationSupport.findAnnotation(Annotated.class, Timeout.class).orElseThrow();
        assertEquals(5, timeout.value());
        assertEquals(TimeUnit.MINUTES, timeout.unit());
        assertEquals(
                List.of(KafkaBrokerExtension.class),
                AnnotationSupport.findRepeatableAnnotations(Annotated.class, ExtendWith.class).stream()
                        .flatMap(e -> java.util.Arrays.stream(e.value()))
                        .toList());
    }
}
