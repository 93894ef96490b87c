package io.ectstream.platform.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Kafka client properties every producer, consumer, admin client and Streams instance of a service starts
 * from (security, SASL, TLS, client tuning, bootstrap servers). Built once at the edge, merged in this order,
 * later wins:
 * <ol>
 *   <li>built-in defaults ({@link #DEFAULT_BOOTSTRAP_SERVERS}, nothing else: no embedded-broker setting leaks),</li>
 *   <li>a Java properties file ({@code --kafka-config FILE}),</li>
 *   <li>environment variables {@code ECTSTREAM_KAFKA_<KEY>}: the rest of the name lower-cased, a single {@code _}
 *       becomes {@code .}, a double {@code __} a literal {@code _}
 *       ({@code ECTSTREAM_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}),</li>
 *   <li>{@code --kafka-property key=value} flags,</li>
 *   <li>{@code --bootstrap-servers}.</li>
 * </ol>
 * Every client is built from them by {@link KafkaClients}, which puts the client's own settings on top (serializers,
 * group ids, commit mode), so what a client needs to be correct cannot be overridden by accident; a client's defaults go
 * under them ({@link #withDefaults}).
 */
public record KafkaClientSettings(Map<String, String> properties) {

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    public static final String ENV_PREFIX = "ECTSTREAM_KAFKA_";
    /** The variables of the --kafka-config and --kafka-property flags (EnvironmentDefaults), not client properties. */
    static final java.util.Set<String> FLAG_VARIABLES =
            java.util.Set.of("ECTSTREAM_KAFKA_CONFIG", "ECTSTREAM_KAFKA_PROPERTY");

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    public KafkaClientSettings {
        if (properties == null) {
            throw new InvalidKafkaSettingsException("Kafka client properties are required");
        }
        String servers = properties.get(BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw new InvalidKafkaSettingsException("bootstrap.servers is empty");
        }
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** Only the bootstrap servers: what tests against the embedded broker and local runs need. */
    public static KafkaClientSettings of(String bootstrapServers) {
        return builder().bootstrapServers(bootstrapServers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return properties.get(BOOTSTRAP_SERVERS);
    }

    /** A fresh, mutable copy to hand to a client after adding the client's own settings. */
    public Map<String, Object> clientProperties() {
        return new TreeMap<>(properties);
    }

    /** These settings with one more property on top. */
    public KafkaClientSettings with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(properties);
        copy.put(key, value);
        return new KafkaClientSettings(copy);
    }

    /**
     * These settings with {@code defaults} under them: a key the settings leave unset takes the default (as text, which
     * Kafka parses like the typed value).
     */
    public KafkaClientSettings withDefaults(Map<String, ?> defaults) {
        Map<String, String> copy = new TreeMap<>();
        defaults.forEach((key, value) -> copy.put(key, String.valueOf(value)));
        copy.putAll(properties);
        return new KafkaClientSettings(copy);
    }

    /** Only the keys {@code keep} accepts (what one kind of client knows); bootstrap.servers must stay. */
    public KafkaClientSettings only(java.util.function.Predicate<String> keep) {
        Map<String, String> copy = new TreeMap<>(properties);
        copy.keySet().removeIf(keep.negate());
        return new KafkaClientSettings(copy);
    }

    /** These settings without {@code key} (a group id a reader without a group must not carry). */
    public KafkaClientSettings without(String key) {
        return only(k -> !k.equals(key));
    }

    /** For logs: every key, values of secrets (passwords, JAAS configs, tokens) masked. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("KafkaClientSettings{");
        String sep = "";
        for (Map.Entry<String, String> e : properties.entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(isSecret(e.getKey()) ? "[hidden]" : e.getValue());
            sep = ", ";
        }
        return b.append('}').toString();
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("jaas")
                || k.contains("secret")
                || k.contains("token")
                || k.endsWith(".key")
                || k.contains("credentials");
    }

    /** {@code SECURITY_PROTOCOL} to {@code security.protocol}; {@code __} to a literal {@code _}. */
    static String envSuffixToKey(String suffix) {
        String lower = suffix.toLowerCase(Locale.ROOT);
        StringBuilder key = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == '_' && i + 1 < lower.length() && lower.charAt(i + 1) == '_') {
                key.append('_');
                i++;
            } else {
                key.append(c == '_' ? '.' : c);
            }
        }
        return key.toString();
    }

    /** Collects the layers; each call overrides what the previous ones set. */
    public static final class Builder {
        private final Map<String, String> merged = new TreeMap<>();

        private Builder() {
            merged.put(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS);
        }

        /** Every key of a Java properties file; a missing or unreadable file is an error, not silence. */
        public Builder file(Path file) {
            if (file == null) {
                return this;
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidKafkaSettingsException(
                        "cannot read Kafka client properties from " + file + ": " + e.getMessage(), e);
            }
            for (String key : p.stringPropertyNames()) {
                merged.put(key.trim(), p.getProperty(key).trim());
            }
            return this;
        }

        /** The variables named {@code ECTSTREAM_KAFKA_*} of the given environment; others are ignored. */
        public Builder environment(Map<String, String> env) {
            if (env == null) {
                return this;
            }
            new TreeMap<>(env).forEach((name, value) -> {
                if (name.startsWith(ENV_PREFIX)
                        && name.length() > ENV_PREFIX.length()
                        && value != null
                        && !FLAG_VARIABLES.contains(name)) {
                    merged.put(envSuffixToKey(name.substring(ENV_PREFIX.length())), value);
                }
            });
            return this;
        }

        /** One {@code key=value}; the value may itself contain {@code =} (JAAS configs do). */
        public Builder property(String keyValue) {
            int eq = keyValue == null ? -1 : keyValue.indexOf('=');
            if (eq <= 0) {
                throw new InvalidKafkaSettingsException("a Kafka property must be key=value, not '" + keyValue + "'");
            }
            merged.put(
                    keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
            return this;
        }

        public Builder properties(Iterable<String> keyValues) {
            if (keyValues != null) {
                keyValues.forEach(this::property);
            }
            return this;
        }

        public Builder put(String key, String value) {
            merged.put(key, value);
            return this;
        }

        /** The {@code --bootstrap-servers} flag; null (flag not given) keeps what the other layers said. */
        public Builder bootstrapServers(String servers) {
            if (servers != null) {
                if (servers.isBlank()) {
                    throw new InvalidKafkaSettingsException("--bootstrap-servers is empty");
                }
                merged.put(BOOTSTRAP_SERVERS, servers.trim());
            }
            return this;
        }

        public KafkaClientSettings build() {
            return new KafkaClientSettings(merged);
        }
    }
}
