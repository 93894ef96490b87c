package io.ectstream.platform.kafka;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line when the Kafka cluster stops answering ("Kafka at HOST:PORT not reachable, retrying") and in one
 * when it answers again, instead of the clients' warning per reconnect attempt (the launcher's logging keeps
 * NetworkClient's warnings out). The clients retry on their own; this only watches, every few seconds.
 */
public final class BrokerWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

    private final String bootstrapServers;
    private final Duration answerWithin;
    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final AtomicInteger outages = new AtomicInteger();
    private volatile Boolean reachable;

    BrokerWatch(KafkaClientSettings settings, Duration answerWithin) {
        this.bootstrapServers = settings.bootstrapServers();
        this.answerWithin = answerWithin;
        this.admin = KafkaClients.admin(settings);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kafka-broker-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Checks now and then every {@code every}. */
    public static BrokerWatch start(KafkaClientSettings settings, Duration every) {
        BrokerWatch watch = new BrokerWatch(settings, every);
        watch.timer.scheduleWithFixedDelay(watch::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** One look: logs only a change. */
    void check() {
        boolean answered;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) answerWithin.toMillis()))
                    .clusterId()
                    .get(answerWithin.toMillis() + 1000, TimeUnit.MILLISECONDS);
            answered = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            answered = false;
        }
        Boolean before = reachable;
        reachable = answered;
        if (!answered && !Boolean.FALSE.equals(before)) {
            outages.incrementAndGet();
            log.warn("Kafka at {} not reachable, retrying", bootstrapServers);
        } else if (answered && Boolean.FALSE.equals(before)) {
            log.info("Kafka at {} reachable again", bootstrapServers);
        }
    }

    /** Whether the last look got an answer (false before the first). */
    public boolean reachable() {
        return Boolean.TRUE.equals(reachable);
    }

    /** Times the cluster stopped answering (each logged once). */
    public int outages() {
        return outages.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
