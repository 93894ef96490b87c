package io.ectstream.schemas.serde;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How record values are framed on the platform's topics; one choice per deployment. */
public enum WireFormat {
    /** Avro single-object encoding: C3 01, the 8-byte schema fingerprint, the binary record. No server needed. */
    SINGLE_OBJECT("single-object"),
    /**
     * Confluent's framing: magic byte 0, the 4-byte id of the writer's schema in a schema registry, the binary
     * record. What Confluent's and Apicurio's deserializers, Connect's AvroConverter and ksqlDB read.
     */
    REGISTRY("registry");

    private final String flag;

    WireFormat(String flag) {
        this.flag = flag;
    }

    /** The name used by {@code --wire-format}. */
    public String flag() {
        return flag;
    }

    public static WireFormat parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (WireFormat f : values()) {
            if (f.flag.equals(wanted) || f.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown wire format '" + name + "'; expected one of "
                + Arrays.stream(values()).map(WireFormat::flag).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return flag;
    }
}
