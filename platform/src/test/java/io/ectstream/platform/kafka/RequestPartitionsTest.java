package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RequestPartitionsTest {
    @Test
    void onePartitionPerSamplerProcessWhateverItsGenerators() {
        assertEquals(1, RequestPartitions.forSamplerProcesses(1)); // serve --device gpu:0,1: one consumer
        assertEquals(2, RequestPartitions.forSamplerProcesses(2)); // serve --device gpu:0 and serve --device gpu:1
        assertEquals(8, RequestPartitions.forSamplerProcesses(8));
        assertThrows(IllegalArgumentException.class, () -> RequestPartitions.forSamplerProcesses(0));
    }

    @Test
    void anUnevenSplitLoadsOneProcessMore() {
        assertEquals(1, RequestPartitions.busiestProcessPartitions(2, 2));
        assertEquals(2, RequestPartitions.busiestProcessPartitions(3, 2)); // 2 of 3: the pair is capped at 1.5x one
        assertEquals(2, RequestPartitions.busiestProcessPartitions(4, 2));
        assertEquals(1, RequestPartitions.busiestProcessPartitions(1, 2)); // the second process idles
    }
}
