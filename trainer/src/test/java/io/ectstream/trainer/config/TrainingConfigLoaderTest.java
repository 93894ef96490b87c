package io.ectstream.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.schemas.Phase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingConfigLoaderTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));

    private static final String TINY = """
        network: {imgResolution: 8, inChannels: 1, modelChannels: 8, channelMult: [1, 2], numBlocks: 1}
        ect: {kimg: 0.1, batch: 4}
        """;

    @Test
    void cifar10ConfigHasTheReferenceSettings() {
        TrainingConfig config = TrainingConfigLoader.load(REPO.resolve("configs/cifar10.yaml"), List.of());
        assertEquals(NetworkSpec.cifar10(), config.network());
        assertEquals("cifar10", config.runId());
        PhaseConfig ect = config.ect();
        assertEquals("radam", ect.optimizer().kind());
        assertEquals(1e-4, ect.optimizer().lr());
        assertEquals(0.9999, ect.ema().beta());
        assertEquals(128, ect.batch());
        assertEquals(200_000, ect.iterations());
        assertEquals(7, ect.schedule().stage(ect.iterations() - 1));
        assertEquals(-1.1, ect.pMean());
        assertEquals(2.0, ect.pStd());
        assertEquals(0.0, ect.c());
        assertEquals(512, config.pretrain().batch());
        assertEquals(500.0, config.pretrain().ema().halfLifeKimg());
    }

    @Test
    void demoConfigLoadsAndRunsBothPhases() {
        TrainingConfig config = TrainingConfigLoader.load(REPO.resolve("configs/demo.yaml"), List.of());
        assertTrue(config.pretrain().iterations() > 0 && config.ect().iterations() > 0);
    }

    @Test
    void defaultsFillWhatTheFileLeavesOutAndOverridesWin() {
        TrainingConfig config = TrainingConfigLoader.parse(
                TINY,
                List.of(
                        "ect.q=256",
                        "ect.ema.beta=0.9993",
                        "network.channelMult=[1,1]",
                        "pretrain.ema.beta=0.99",
                        "data.path=/tmp/x"),
                "tiny",
                "test");
        assertEquals("tiny", config.runId());
        assertEquals(256.0, config.ect().q());
        assertEquals(0.9993, config.ect().ema().beta());
        assertEquals(List.of(1, 1), config.network().channelMult());
        assertEquals(0.99, config.pretrain().ema().beta());
        assertNull(config.pretrain().ema().halfLifeKimg());
        assertEquals("/tmp/x", config.data().path());
        assertEquals(25, config.ect().iterations());
        assertEquals(8.0, config.ect().k());
        assertEquals("adam", config.pretrain().optimizer().kind());
    }

    @Test
    void tuningDropoutDefaultsToTheReferencesAndDoublingToOn() {
        TrainingConfig plain = TrainingConfigLoader.parse(TINY, List.of(), "tiny", "test");
        assertEquals(0.2, plain.ect().dropout());
        assertNull(plain.pretrain().dropout());
        assertTrue(plain.ect().doubling());
        assertEquals(plain.network().withDropout(0.2), plain.networkFor(Phase.ECT));
        TrainingConfig networks = TrainingConfigLoader.parse(TINY, List.of("ect.dropout=null"), "tiny", "test");
        assertEquals(networks.network(), networks.networkFor(Phase.ECT));

        TrainingConfig tuned = TrainingConfigLoader.parse(
                TINY,
                List.of("network.dropout=0.13", "ect.dropout=0.2", "ect.doubling=false", "ect.q=256"),
                "tiny",
                "test");
        assertEquals(0.2, tuned.ect().dropout());
        assertEquals(0.13, tuned.network().dropout());
        assertEquals(0.2, tuned.networkFor(Phase.ECT).dropout());
        assertEquals(0.13, tuned.networkFor(Phase.PRETRAIN).dropout());
        assertEquals(tuned.network(), tuned.networkFor(Phase.ECT).withDropout(0.13));
        assertEquals(false, tuned.ect().doubling());
        assertEquals(0, tuned.ect().schedule().stage(10_000_000));
        assertEquals(tuned, TrainingConfigLoader.fromYaml(TrainingConfigLoader.toYaml(tuned)));
    }

    @Test
    void aStoredConfigurationWithoutTheNewKeysKeepsDoublingAndTheNetworksDropout() {
        // stored before ect.dropout existed: tuned with the network's dropout, and read back so
        TrainingConfig config = TrainingConfigLoader.parse(TINY, List.of("ect.dropout=null"), "tiny", "test");
        var tree = (ObjectNode) TrainingConfigLoader.toTree(config);
        for (String phase : List.of("pretrain", "ect")) {
            ((ObjectNode) tree.get(phase)).remove(List.of("doubling", "dropout"));
        }
        assertEquals(config, TrainingConfigLoader.fromTree(tree));
    }

    @Test
    void roundTripThroughYamlGivesTheSameConfig() {
        TrainingConfig config = TrainingConfigLoader.parse(TINY, List.of(), "tiny", "test");
        assertEquals(config, TrainingConfigLoader.fromYaml(TrainingConfigLoader.toYaml(config)));
    }

    @Test
    void impossibleValuesAreRejectedNamingTheKey() {
        assertMessage(List.of("ect.batch=0"), "batch must be at least 1");
        assertMessage(List.of("ect.q=1"), "q must be greater than 1");
        assertMessage(List.of("ect.optimizer.kind=sgd"), "adam or radam");
        assertMessage(List.of("ect.optimizer.lr=-1"), "lr must be a positive");
        assertMessage(List.of("ect.kimg=-3"), "kimg must be >= 0");
        assertMessage(List.of("ect.lrr=3"), "unknown key 'ect.lrr'");
        assertMessage(List.of("network.dropout=1.5"), "dropout");
        assertMessage(List.of("ect.dropout=-0.1"), "invalid value under 'ect': dropout must lie in [0, 1)");
        assertMessage(List.of("ect.dropout=1"), "invalid value under 'ect': dropout must lie in [0, 1)");
        assertMessage(List.of("ect.dropout=1.5"), "dropout must lie in [0, 1)");
        assertMessage(List.of("ect.doubling=sometimes"), "doubling");
        assertMessage(List.of("data.kind=mnist-ish"), "unknown dataset kind");
        assertMessage(List.of("runId=../escape"), "runId must be");
        assertMessage(List.of("checkpoint.everySteps=0"), "everySteps must be at least 1");
        assertMessage(List.of("no-equals-sign"), "key=value");
        ConfigException notYaml = assertThrows(
                ConfigException.class,
                () -> TrainingConfigLoader.parse("network: [unclosed", List.of(), "x", "bad.yaml"));
        assertTrue(notYaml.getMessage().contains("bad.yaml is not valid YAML"), notYaml.getMessage());
        ConfigException missing = assertThrows(
                ConfigException.class, () -> TrainingConfigLoader.load(Path.of("/nonexistent/config.yaml"), List.of()));
        assertTrue(missing.getMessage().contains("cannot read configuration"), missing.getMessage());
    }

    private static void assertMessage(List<String> overrides, String expected) {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> TrainingConfigLoader.parse(TINY, overrides, "tiny", "test"),
                overrides.toString());
        assertTrue(e.getMessage().contains(expected), overrides + " -> " + e.getMessage());
    }
}
