package io.ectstream.sampler.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning (no group) and keeps what it read, decoded. */
public final class TopicReader<T> implements AutoCloseable {
    /** One record read, with where it was. */
    public record Read<T>(String key, T value, int partition, long offset) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final Function<byte[], T> decode;
    private final List<Read<T>> records = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic, Function<byte[], T> decode) {
        this.decode = decode;
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        String.valueOf(32 << 20)),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until the records read so far satisfy {@code done}, or throws after the timeout. */
    public List<Read<T>> awaitUntil(Predicate<List<Read<T>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " with " + records.size() + " records read");
            }
            poll(Duration.ofMillis(100));
        }
        return List.copyOf(records);
    }

    public List<Read<T>> awaitCount(int n, Duration timeout) {
        return awaitUntil(r -> r.size() >= n, timeout);
    }

    /**
     * Polls for a while and returns everything read.
     * @deprecated a quiet period is a sleep: wait until the service has committed its input
     *     ({@code KafkaCluster.awaitCaughtUp}), then {@link #readToEnd()}
     */
    @Deprecated
    public List<Read<T>> drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            poll(Duration.ofMillis(100));
        }
        return List.copyOf(records);
    }

    /** Everything written to the topic up to its end offsets now: "nothing was written" without waiting on the clock. */
    public List<Read<T>> readToEnd() {
        return readToEnd(Duration.ofMinutes(2));
    }

    /** {@link #readToEnd()}, failing after {@code timeout}. */
    public List<Read<T>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " before the end offsets " + end);
            }
            poll(Duration.ofMillis(100));
        }
        return List.copyOf(records);
    }

    private void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            records.add(new Read<>(r.key(), decode.apply(r.value()), r.partition(), r.offset()));
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
