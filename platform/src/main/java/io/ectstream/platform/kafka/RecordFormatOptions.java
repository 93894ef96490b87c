package io.ectstream.platform.kafka;

import io.ectstream.schemas.serde.RecordFormat;
import io.ectstream.schemas.serde.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The picocli mixin of the wire-format flags every command that reads or writes records shares
 * ({@code @Mixin RecordFormatOptions records;}); {@link #recordFormat()} gives the serdes' {@link RecordFormat}.
 * Every process of one deployment must be given the same choice.
 */
public final class RecordFormatOptions {

    @Option(
            names = "--wire-format",
            paramLabel = "FORMAT",
            defaultValue = "single-object",
            converter = WireFormatConverter.class,
            description = "How record values are framed on every topic: single-object (Avro single-object encoding,"
                    + " no server; default) or registry (Confluent framing: magic byte 0 + 4-byte schema id, schemas"
                    + " in --schema-registry-url). Every process of a deployment needs the same value.")
    WireFormat wireFormat = WireFormat.SINGLE_OBJECT;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "The schema registry's API for --wire-format registry (an Apicurio Registry,"
                    + " e.g. http://registry:8080/apis/registry/v2).")
    String registryUrl;

    @Option(
            names = "--schema-registry-property",
            paramLabel = "KEY=VALUE",
            description = "One property of the registry serde (Apicurio's apicurio.*: auth such as"
                    + " apicurio.auth.username, TLS such as apicurio.registry.request.ssl.truststore.location,"
                    + " apicurio.registry.auto-register=false where schemas are registered ahead); repeatable.")
    List<String> registryProperties = new ArrayList<>();

    public RecordFormat recordFormat() {
        if (wireFormat == WireFormat.SINGLE_OBJECT) {
            if (registryUrl != null || !registryProperties.isEmpty()) {
                throw new InvalidKafkaSettingsException(
                        "--schema-registry-url and --schema-registry-property need --wire-format registry");
            }
            return RecordFormat.SINGLE_OBJECT;
        }
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new InvalidKafkaSettingsException("--wire-format registry needs --schema-registry-url");
        }
        Map<String, Object> props = new TreeMap<>();
        for (String keyValue : registryProperties) {
            int eq = keyValue == null ? -1 : keyValue.indexOf('=');
            if (eq <= 0) {
                throw new InvalidKafkaSettingsException(
                        "a --schema-registry-property must be key=value, not '" + keyValue + "'");
            }
            props.put(
                    keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
        }
        return RecordFormat.registry(registryUrl.trim(), props);
    }

    static final class WireFormatConverter implements picocli.CommandLine.ITypeConverter<WireFormat> {
        @Override
        public WireFormat convert(String value) {
            return WireFormat.parse(value);
        }
    }
}
