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
            throw new IllegalStateException("cannot create topics " + String.join(", ", names) + ": " + e.getCause(), e.getCause());
        }
    }

    private static void awaitLeaders(Admin admin, java.util.Collection<String> names)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                    .allMatch(d -> !d.partitions().isEmpty() && d.partitions().stream().allMatch(p -> p.leader() != null));
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

    @Override
    void close();
}
