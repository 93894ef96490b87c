package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointSelectorTest {

    private static List<String> ids(List<CheckpointEvent> events) {
        return events.stream().map(e -> e.getRunId() + "@" + e.getStep()).toList();
    }

    @Test
    void ofABacklogTheNewestOfEachRunComesFirstThenTheOthersInStepOrder() {
        CheckpointSelector selector = new CheckpointSelector();
        List<CheckpointEvent> backlog = List.of(
                DriverEvents.event("a", 1, Phase.PRETRAIN),
                DriverEvents.event("b", 7, Phase.ECT),
                DriverEvents.event("a", 3, Phase.ECT),
                DriverEvents.event("a", 2, Phase.ECT),
                DriverEvents.event("a", 1, Phase.PRETRAIN));
        assertEquals(List.of("a@3", "a@1", "a@2", "b@7"), ids(selector.select(backlog)));
    }

    @Test
    void eventsArrivingOneByOneAreEachEvaluatedAnOlderOneTooButARepeatedOneIsNot() {
        CheckpointSelector selector = new CheckpointSelector();
        assertEquals(List.of("a@1"), ids(selector.select(List.of(DriverEvents.event("a", 1, Phase.ECT)))));
        assertEquals(List.of("a@3"), ids(selector.select(List.of(DriverEvents.event("a", 3, Phase.ECT)))));
        assertEquals(
                List.of(), ids(selector.select(List.of(DriverEvents.event("a", 3, Phase.ECT)))), "a redelivered event");
        assertEquals(
                List.of("a@2"),
                ids(selector.select(List.of(DriverEvents.event("a", 2, Phase.ECT)))),
                "an older one, late");
    }
}
