package io.ectstream.kafka.embedded;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A Kafka cluster a test or a local run talks to: the embedded broker, or a container where Docker exists. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /**
     * Creates the topics that do not exist yet, with replication factor 1, and returns once every partition of
     * every named topic has a leader: a client asking for a topic's partitions right after creation could
     * otherwise find none yet.
     */
    default void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            var missing = java.util.Arrays.stream(names)
                    .filter(name -> !existing.contains(name))
                    .distinct()
                    .map(name -> new NewTopic(name, partitions, (short) 1))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            awaitLeaders(admin, java.util.Arrays.asList(names));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics " + String.join(", ", names) + ": " + e.getCause(), e.getCause());
        }
    }

    private static void awaitLeaders(Admin admin, java.util.Collection<String> names)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                        .allMatch(d -> !d.partitions().isEmpty()
                                && d.partitions().stream().allMatch(p -> p.leader() != null));
                if (ready) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " have no leader after 30 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until consumer group {@code groupId} has committed every partition of {@code inputTopics}, and every other
     * partition it commits (a Kafka Streams repartition topic), up to that partition's end offset: it has handled all
     * its input so far, and what it wrote for that input before committing (a service's answers; with exactly-once,
     * everything) is written. A deterministic "nothing more will come from what was sent" for tests, instead of a sleep.
     */
    default void awaitCaughtUp(String groupId, java.util.Collection<String> inputTopics, java.time.Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            java.util.Set<org.apache.kafka.common.TopicPartition> inputs = new java.util.HashSet<>();
            admin.describeTopics(inputTopics)
                    .allTopicNames()
                    .get()
                    .values()
                    .forEach(d -> d.partitions()
                            .forEach(p ->
                                    inputs.add(new org.apache.kafka.common.TopicPartition(d.name(), p.partition()))));
            long deadline = System.nanoTime() + timeout.toNanos();
            java.util.List<String> behind;
            do {
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                        committed = admin.listConsumerGroupOffsets(groupId)
                                .partitionsToOffsetAndMetadata()
                                .get();
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                        new java.util.HashMap<>();
                inputs.forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                behind = latest.keySet().stream()
                        .filter(tp -> {
                            var at = committed.get(tp);
                            return (at == null ? 0 : at.offset()) < ends.get(tp).offset();
                        })
                        .map(tp -> tp + " at "
                                + (committed.get(tp) == null
                                        ? "-"
                                        : committed.get(tp).offset()) + " of "
                                + ends.get(tp).offset())
                        .sorted()
                        .toList();
                if (behind.isEmpty()) {
                    return;
                }
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            throw new AssertionError(
                    "consumer group " + groupId + " has not caught up after " + timeout + ": " + behind);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + groupId, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read the offsets of " + groupId + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    void close();
}
