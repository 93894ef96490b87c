package io.ectstream.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void readsYamlWithDefaultsAndSnakeCase() throws Exception {
        NetworkSpec spec = yaml.readValue("""
            img_resolution: 32
            in_channels: 3
            model_channels: 128
            channel_mult: [2, 2, 2]
            num_blocks: 4
            attn_resolutions: [16]
            dropout: 0.2
            """, NetworkSpec.class);
        assertEquals(NetworkSpec.cifar10(), spec);
        NetworkSpec camel = yaml.readValue(yaml.writeValueAsString(NetworkSpec.small()), NetworkSpec.class);
        assertEquals(NetworkSpec.small(), camel);
    }

    @Test
    void avroRoundTrip() {
        assertEquals(
                NetworkSpec.cifar10(),
                NetworkSpec.fromAvro(NetworkSpec.cifar10().toAvro()));
        assertEquals(
                NetworkSpec.small(), NetworkSpec.fromAvro(NetworkSpec.small().toAvro()));
    }

    @Test
    void rejectsImpossibleNetworksWithAReason() {
        assertMessage("halved", () -> new NetworkSpec(30, 1, 1, 32, List.of(1, 2, 2), 4, 1, List.of(), 0, 0.5));
        assertMessage(
                "attention resolution 5",
                () -> new NetworkSpec(28, 1, 1, 32, List.of(1, 2, 2), 4, 1, List.of(5), 0, 0.5));
        assertMessage("dropout", () -> new NetworkSpec(28, 1, 1, 32, List.of(1, 2), 4, 1, List.of(), 1.0, 0.5));
        assertMessage("modelChannels", () -> new NetworkSpec(28, 1, 1, 3, List.of(1), 4, 1, List.of(), 0, 0.5));
        assertMessage("numBlocks", () -> new NetworkSpec(28, 1, 1, 32, List.of(1), 4, 0, List.of(), 0, 0.5));
        assertMessage("channelMult", () -> new NetworkSpec(28, 1, 1, 32, List.of(), 4, 1, List.of(), 0, 0.5));
        assertMessage("sigmaData", () -> new NetworkSpec(28, 1, 1, 32, List.of(1), 4, 1, List.of(), 0, 0));
        assertThrows(Exception.class, () -> yaml.readValue("in_channels: 1", NetworkSpec.class));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
