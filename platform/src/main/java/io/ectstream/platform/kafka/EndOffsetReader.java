package io.ectstream.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a whole topic as it is now: every partition from its beginning to the end offsets it has when the read
 * starts.
 */
public final class EndOffsetReader {
    private EndOffsetReader() {}

    /**
     * Assigns {@code consumer} every partition of {@code topic} (no group, no commits) and hands each record up to the
     * current end offsets to {@code each}, in partition order.
     *
     * @return false if the topic has no partitions (it does not exist)
     * @throws TimeoutException when the broker does not answer, or the read takes longer than {@code timeout}
     */
    public static <K, V> boolean readToEnd(
            org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<K, V>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (!reachedEnd(consumer, end, timeout)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + topic + " to its end took longer than " + timeout);
            }
            for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                each.accept(record);
            }
        }
        return true;
    }

    private static boolean reachedEnd(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
            Map<TopicPartition, Long> end,
            Duration timeout) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
