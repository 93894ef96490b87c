package io.ectstream.kafka.embedded;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A Kafka cluster a test or a local run talks to: the embedded broker, or a container where Docker exists. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** Creates the topics that do not exist yet, with replication factor 1. */
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + String.join(", ", names) + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    void close();
}
