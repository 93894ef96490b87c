package io.ectstream.schemas.serde;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The deployment's wire format and, for {@link WireFormat#REGISTRY}, the registry serde's client properties
 * ({@code apicurio.registry.url}, auth, TLS, ...). Every producer and consumer of records builds its serdes here.
 */
public record RecordFormat(WireFormat wireFormat, Map<String, Object> registryProperties) {

    /** The default: single-object encoding, no registry. */
    public static final RecordFormat SINGLE_OBJECT = new RecordFormat(WireFormat.SINGLE_OBJECT, Map.of());

    public RecordFormat {
        if (wireFormat == null) {
            throw new IllegalArgumentException("a wire format is required");
        }
        registryProperties = Collections.unmodifiableMap(new TreeMap<>(registryProperties));
        if (wireFormat == WireFormat.REGISTRY && !registryProperties.containsKey(RegistrySerde.REGISTRY_URL)) {
            throw new IllegalArgumentException(
                    "the registry wire format needs a schema registry URL (--schema-registry-url)");
        }
    }

    public static RecordFormat registry(String url, Map<String, ?> properties) {
        Map<String, Object> props = new TreeMap<>(properties);
        props.put(RegistrySerde.REGISTRY_URL, url);
        return new RecordFormat(WireFormat.REGISTRY, props);
    }

    /** The value serde of one contract in this format. */
    public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        return switch (wireFormat) {
            case SINGLE_OBJECT -> AvroSerdes.forType(type);
            case REGISTRY -> RegistrySerde.forType(type, registryProperties);
        };
    }
}
