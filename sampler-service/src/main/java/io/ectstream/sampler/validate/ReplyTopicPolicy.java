package io.ectstream.sampler.validate;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which topics a request may name as its replyTopic. Allowed: the default results topic, topics under the operator's
 * prefix and topics the operator named. Never allowed, whatever the configuration: the platform's own topics (a result
 * written there would poison their readers), names starting with {@code _} (Kafka's internal topics such as
 * {@code __consumer_offsets}, and other tools' by convention) and Kafka Streams internal topics ({@code *-changelog},
 * {@code *-repartition}: a record there becomes another application's state).
 */
public final class ReplyTopicPolicy {
    private final String defaultTopic;
    private final String prefix;
    private final Set<String> named;
    private final Set<String> platform;

    /**
     * @param defaultTopic the sampler's results topic, always allowed
     * @param prefix       reply topics starting with it are allowed; empty: none by prefix
     * @param named        reply topics allowed by name
     * @param platform     the platform's topics, never allowed (except the default results topic)
     * @throws IllegalArgumentException when a named topic is one that may never be a reply topic
     */
    public ReplyTopicPolicy(String defaultTopic, String prefix, Collection<String> named, Collection<String> platform) {
        this.defaultTopic = defaultTopic;
        this.prefix = prefix == null ? "" : prefix;
        this.platform = Set.copyOf(platform);
        this.named = new LinkedHashSet<>();
        for (String topic : named) {
            if (!RequestValidator.isLegalTopicName(topic)) {
                throw new IllegalArgumentException("reply topic '" + topic + "' is not a legal Kafka topic name");
            }
            forbidden(topic).ifPresent(why -> {
                throw new IllegalArgumentException("reply topic " + topic + " cannot be allowed: " + why);
            });
            this.named.add(topic);
        }
    }

    public String defaultTopic() {
        return defaultTopic;
    }

    /** Why {@code topic} may not be a reply topic; empty when it may. */
    public Optional<String> refusal(String topic) {
        if (topic.equals(defaultTopic)) {
            return Optional.empty();
        }
        Optional<String> forbidden = forbidden(topic);
        if (forbidden.isPresent()) {
            return forbidden;
        }
        if (named.contains(topic) || (!prefix.isEmpty() && topic.startsWith(prefix))) {
            return Optional.empty();
        }
        return Optional.of("topic " + topic + " is not an allowed reply topic (allowed: " + allowed() + ")");
    }

    private Optional<String> forbidden(String topic) {
        if (platform.contains(topic)) {
            return Optional.of("topic " + topic + " is a platform topic and never a reply topic");
        }
        if (topic.startsWith("_")) {
            return Optional.of("topic " + topic + " is an internal topic (name starts with _) and never a reply topic");
        }
        if (topic.endsWith("-changelog") || topic.endsWith("-repartition")) {
            return Optional.of("topic " + topic + " is a Kafka Streams internal topic (*-changelog, *-repartition)"
                    + " and never a reply topic");
        }
        return Optional.empty();
    }

    private String allowed() {
        StringBuilder s = new StringBuilder(defaultTopic);
        if (!prefix.isEmpty()) {
            s.append(", ").append(prefix).append('*');
        }
        named.forEach(t -> s.append(", ").append(t));
        return s.toString();
    }
}
