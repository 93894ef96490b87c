package io.ectstream.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates, describes and checks the platform's topics with an admin client built from {@link KafkaClientSettings}. */
public final class KafkaTopics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    /**
     * What a topic looks like on the cluster: partitions, replication, the configs that were set on it, and every
     * config's effective value (set on the topic or inherited from the broker's defaults).
     */
    public record Described(
            String name,
            int partitions,
            int replicationFactor,
            Map<String, String> configs,
            Map<String, String> effectiveConfigs) {}

    /**
     * What {@code create} did: topics made, topics that were there already, the drift it fixed on those and the drift
     * left (all of it when not asked to fix, else what a config change or added partitions cannot fix).
     */
    public record Created(
            List<String> created, List<String> existing, List<TopicDrift> fixed, List<TopicDrift> drift) {}

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;

    public KafkaTopics(KafkaClientSettings settings, Duration timeout) {
        this.admin = KafkaClients.admin(settings.withDefaults(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "ect-topics",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000))));
        this.bootstrapServers = settings.bootstrapServers();
        this.timeout = timeout;
    }

    /** Creates every topic of the layout that does not exist; existing ones are reported with their drift, not changed. */
    public Created create(TopicLayout layout) {
        return create(layout, false);
    }

    /**
     * Creates every topic of the layout that does not exist, with its partitions and configs. With {@code fixDrift},
     * existing topics get the configs that differ from the definition set and missing partitions added.
     */
    public Created create(TopicLayout layout, boolean fixDrift) {
        Created made = createMissing(layout);
        List<TopicSpec> existing = layout.specs().stream()
                .filter(s -> made.existing().contains(s.name()))
                .toList();
        List<TopicDrift> drift = drift(existing);
        if (!fixDrift || drift.isEmpty()) {
            return new Created(made.created(), made.existing(), List.of(), drift);
        }
        List<TopicDrift> fixed = fix(drift);
        List<TopicDrift> left = drift.stream().filter(d -> !fixed.contains(d)).toList();
        return new Created(made.created(), made.existing(), fixed, left);
    }

    /** For every topic of the layout that exists, how it differs from its definition; missing topics are not drift. */
    public List<TopicDrift> drift(TopicLayout layout) {
        return drift(layout.specs());
    }

    /** Logs one warning per drift of the topics a service uses; the service keeps going. */
    public List<TopicDrift> warnOnDrift(String component, TopicLayout layout) {
        List<TopicDrift> drift = drift(layout);
        drift.forEach(d -> log.warn(
                "{}: topic drift on {}: {} (`ectstream topics create --fix-drift` applies the definition)",
                component,
                bootstrapServers,
                d));
        return drift;
    }

    /**
     * Logs one warning, and returns it, when {@code topic} exists and takes smaller records than {@code needed}
     * bytes: its writer's records could be refused (an errors topic below the largest error record, whose refusal
     * would leave an input unanswered). Empty when the topic is missing or large enough.
     */
    public Optional<String> warnOnSmallRecords(String component, String topic, int needed, String what) {
        Described d = describe(List.of(topic)).get(topic);
        String limit = d == null ? null : d.effectiveConfigs().get("max.message.bytes");
        if (limit == null || Long.parseLong(limit) >= needed) {
            return Optional.empty();
        }
        String warning =
                component + ": topic " + topic + " takes records of at most " + limit + " bytes (max.message.bytes),"
                        + " below the " + needed + " bytes " + what + " may take; raise it to at least " + needed;
        log.warn("{}", warning);
        return Optional.of(warning);
    }

    private List<TopicDrift> drift(List<TopicSpec> specs) {
        Map<String, Described> found =
                describe(specs.stream().map(TopicSpec::name).toList());
        List<TopicDrift> drift = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Described d = found.get(spec.name());
            if (d != null) {
                drift.addAll(TopicDrift.between(spec, d));
            }
        }
        return drift;
    }

    /** Sets the drifted configs and adds the missing partitions; returns what it fixed. */
    private List<TopicDrift> fix(List<TopicDrift> drift) {
        Map<ConfigResource, Collection<AlterConfigOp>> alter = new LinkedHashMap<>();
        Map<String, NewPartitions> grow = new LinkedHashMap<>();
        List<TopicDrift> fixed = new ArrayList<>();
        for (TopicDrift d : drift) {
            if (!d.fixable()) {
                continue;
            }
            if (d.setting().equals(TopicDrift.PARTITIONS)) {
                grow.put(d.topic(), NewPartitions.increaseTo(Integer.parseInt(d.expected())));
            } else {
                alter.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, d.topic()), r -> new ArrayList<>())
                        .add(new AlterConfigOp(new ConfigEntry(d.setting(), d.expected()), AlterConfigOp.OpType.SET));
            }
            fixed.add(d);
        }
        String what = "fixing the settings of "
                + fixed.stream().map(TopicDrift::topic).distinct().toList();
        if (!alter.isEmpty()) {
            await(admin.incrementalAlterConfigs(alter).all(), what);
        }
        if (!grow.isEmpty()) {
            await(admin.createPartitions(grow).all(), what);
        }
        fixed.forEach(d -> log.info("fixed topic drift: {}", d));
        return fixed;
    }

    private void await(org.apache.kafka.common.KafkaFuture<Void> future, String what) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    what + " on " + bootstrapServers + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException(
                    "no answer from Kafka at " + bootstrapServers + " within " + timeout + " " + what, e);
        }
    }

    /**
     * Creates those of {@code names} that do not exist, with the broker's default partitions and replication, on an
     * admin client the caller owns (the trainer's publisher, which retries on any {@link KafkaException}).
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the broker does not answer within {@code timeout}
     * @throws KafkaException when the topics cannot be listed or created
     */
    public static void createWithBrokerDefaults(Admin admin, Collection<String> names, Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = names.stream()
                    .distinct()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.empty(), Optional.empty()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info(
                        "Created topics {}",
                        missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                    "the broker did not answer a topic listing or creation in time");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException kafka) {
                throw kafka;
            }
            throw new KafkaException("cannot create topics " + names, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        }
    }

    private Created createMissing(TopicLayout layout) {
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (TopicSpec spec : layout.specs()) {
            NewTopic topic = new NewTopic(
                            spec.name(), Optional.of(spec.partitions()), Optional.of(spec.replicationFactor()))
                    .configs(spec.configs());
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(spec.name());
                log.info(
                        "created topic {} ({} partitions, replication {}, {})",
                        spec.name(),
                        spec.partitions(),
                        spec.replicationFactor() == -1 ? "broker default" : spec.replicationFactor(),
                        spec.configs());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(spec.name());
                } else {
                    throw new IllegalStateException(
                            "cannot create topic " + spec.name() + " on " + bootstrapServers + ": " + e.getCause(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating " + spec.name(), e);
            } catch (TimeoutException e) {
                throw new KafkaUnreachableException(
                        "no answer from Kafka at " + bootstrapServers + " within " + timeout + " creating "
                                + spec.name(),
                        e);
            }
        }
        awaitLeaders(created);
        return new Created(created, existing, List.of(), List.of());
    }

    /**
     * Returns once every partition of the topics has a leader, so that what follows "created" (a describe, a consumer
     * asking for partitions) sees them: the broker's metadata catches up with the controller a moment later.
     */
    private void awaitLeaders(List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d =
                        admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (d.values().stream()
                        .allMatch(t -> !t.partitions().isEmpty()
                                && t.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "cannot describe topics " + topics + " on " + bootstrapServers + ": " + e.getCause(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            } catch (TimeoutException e) {
                throw new KafkaUnreachableException(
                        "no answer from Kafka at " + bootstrapServers + " within " + timeout + " describing " + topics,
                        e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topics " + topics + " on " + bootstrapServers + " have no leader after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            }
        }
    }

    /** The given topics as they are on the cluster; a missing topic is absent from the map. */
    public Map<String, Described> describe(Collection<String> names) {
        Map<String, Described> out = new LinkedHashMap<>();
        Set<String> present = existing(names);
        if (present.isEmpty()) {
            return out;
        }
        try {
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(present).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<ConfigResource> resources = present.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (String name : names) {
                TopicDescription d = descriptions.get(name);
                if (d == null) {
                    continue;
                }
                Map<String, String> set = new TreeMap<>();
                Map<String, String> effective = new TreeMap<>();
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                if (config != null) {
                    for (ConfigEntry entry : config.entries()) {
                        if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                            set.put(entry.name(), entry.value());
                        }
                        if (entry.value() != null) {
                            effective.put(entry.name(), entry.value());
                        }
                    }
                }
                out.put(
                        name,
                        new Described(
                                name,
                                d.partitions().size(),
                                d.partitions().get(0).replicas().size(),
                                set,
                                effective));
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot describe topics on " + bootstrapServers + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException(
                    "no answer from Kafka at " + bootstrapServers + " within " + timeout, e);
        }
    }

    /**
     * A service's check at start, from its declaration: {@code used} is what {@code service} declares (else an
     * error before any lookup), every topic of it exists (else {@link MissingTopicsException} naming the missing
     * ones), each drift from its definition is logged, and an errors topic it writes that takes smaller records than
     * the largest error record is warned about. Returns the drift.
     */
    public List<TopicDrift> check(String component, ServiceAccess service, Topics used) {
        service.requireDeclared(used);
        require(component, used.roles().stream().map(used::name).toList());
        if (service.writes().contains(TopicRole.ERRORS)) {
            warnOnSmallRecords(
                    component,
                    used.errors(),
                    io.ectstream.schemas.records.GenerationErrors.MAX_RECORD_BYTES,
                    "an error record");
        }
        return warnOnDrift(component, TopicLayout.defaults(used));
    }

    /** Fails with the precise list of the needed topics that are missing (or that this client may not see). */
    public void require(String component, Collection<String> needed) {
        List<String> missing = needed.stream()
                .distinct()
                .filter(n -> !existing(List.of(n)).contains(n))
                .toList();
        if (!missing.isEmpty()) {
            throw new MissingTopicsException(component, bootstrapServers, missing);
        }
        log.info("{}: the topics it needs exist on {}: {}", component, bootstrapServers, needed);
    }

    private Set<String> existing(Collection<String> names) {
        try {
            Set<String> present = new java.util.TreeSet<>();
            Map<String, org.apache.kafka.common.KafkaFuture<TopicDescription>> futures =
                    admin.describeTopics(names).topicNameValues();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<TopicDescription>> e : futures.entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    present.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)
                            && !(ex.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException)) {
                        throw new IllegalStateException(
                                "cannot look up topic " + e.getKey() + " on " + bootstrapServers + ": " + ex.getCause(),
                                ex.getCause());
                    }
                }
            }
            return present;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking up topics", e);
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException(
                    "no answer from Kafka at " + bootstrapServers + " within " + timeout, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
