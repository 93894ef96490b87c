package io.ectstream.launcher.dashboard;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.ServiceAccess;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer lag (end offset minus committed offset) per consumer group and topic. */
final class ConsumerLagProbe implements AutoCloseable {
    private final Admin admin;

    ConsumerLagProbe(KafkaClientSettings settings) {
        this.admin = KafkaClients.admin(settings);
    }

    Map<String, Map<String, Long>> measure() throws Exception {
        Map<String, Map<String, Long>> lag = new TreeMap<>();
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS)) {
            if (group.groupId()
                    .startsWith(ServiceAccess.DASHBOARD.groupPrefixes().get(0))) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null && ends.containsKey(tp)) {
                    byTopic.merge(tp.topic(), Math.max(0, ends.get(tp).offset() - offset.offset()), Long::sum);
                }
            });
            lag.put(group.groupId(), byTopic);
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
