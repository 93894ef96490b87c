package io.ectstream.sampler.publish;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether a reply topic exists, asked of the cluster through an Admin client before any result is produced to it.
 * The shared producer then never waits for metadata of a topic that is not there (it would block every later answer
 * for up to {@code max.block.ms}); an unknown topic fails its own request within one metadata round trip.
 * Answers are cached (present for {@link #PRESENT_TTL}, absent for {@link #ABSENT_TTL}); one question per topic is
 * in flight at a time. Futures complete on the given context (the pipeline's event loop).
 */
public final class ReplyTopicExistence implements AutoCloseable {
    static final Duration PRESENT_TTL = Duration.ofSeconds(30);
    static final Duration ABSENT_TTL = Duration.ofSeconds(2);
    private static final int TIMEOUT_MS = 5_000;
    private static final int MAX_CACHED = 1024;

    /** A reply topic that cannot be written: the message names it and says why. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    private record Answer(Future<Void> future, long expiresAtNanos) {}

    private final Admin admin;
    private final Context context;
    private final Set<String> alwaysPresent;
    private final Map<String, Answer> answers = new HashMap<>();

    /** @param alwaysPresent topics never asked about (the default results topic, checked at start) */
    public ReplyTopicExistence(KafkaClientSettings settings, Context context, Set<String> alwaysPresent) {
        this.admin = KafkaClients.admin(
                settings.withDefaults(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "ect-sampler-reply-topics")),
                Map.of(
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS));
        this.context = context;
        this.alwaysPresent = Set.copyOf(alwaysPresent);
    }

    /** Succeeds when {@code topic} exists; fails with {@link UnavailableException} otherwise. Call on the context. */
    public Future<Void> verify(String topic) {
        if (alwaysPresent.contains(topic)) {
            return Future.succeededFuture();
        }
        long now = System.nanoTime();
        if (answers.size() > MAX_CACHED) {
            answers.values().removeIf(a -> a.future().isComplete() && now - a.expiresAtNanos() >= 0);
        }
        Answer cached = answers.get(topic);
        if (cached != null && (!cached.future().isComplete() || now - cached.expiresAtNanos() < 0)) {
            return cached.future();
        }
        Future<Void> asked = Future.fromCompletionStage(
                        admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(TIMEOUT_MS))
                                .allTopicNames()
                                .toCompletionStage(),
                        context)
                .<Void>mapEmpty()
                .recover(e -> Future.failedFuture(unavailable(topic, e)));
        answers.put(topic, new Answer(asked, Long.MAX_VALUE));
        asked.onComplete(done -> answers.put(
                topic, new Answer(asked, System.nanoTime() + (done.succeeded() ? PRESENT_TTL : ABSENT_TTL).toNanos())));
        return asked;
    }

    private static UnavailableException unavailable(String topic, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new UnavailableException("reply topic " + topic + " does not exist");
        }
        if (cause instanceof TopicAuthorizationException) {
            return new UnavailableException(
                    "reply topic " + topic + " may not be described by this sampler (no DESCRIBE ACL)");
        }
        return new UnavailableException("could not learn whether reply topic " + topic + " exists: " + cause);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
