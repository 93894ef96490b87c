package io.ectstream.core.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SongUNetTest {
    static NetworkSpec tiny(double dropout) {
        return new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), dropout, 0.5);
    }

    @Test
    void cifar10ConfigurationHasTheReferenceParameterCount() {
        SongUNet net = new SongUNet(NetworkSpec.cifar10());
        assertEquals(55_732_739L, net.parameterCount());
        List<SongUNet.LayerRow> table = net.layerTable();
        assertEquals(
                55_732_739L, table.stream().mapToLong(SongUNet.LayerRow::count).sum());
        assertEquals("map_layer0.weight", table.get(0).name());
        assertEquals(new Shape(512, 128), table.get(0).shape());
        assertEquals("dec_32x32_aux_conv.bias", table.get(table.size() - 1).name());
        assertTrue(table.stream()
                .anyMatch(r -> r.name().equals("dec_8x8_in0.attn.qkv.weight")
                        && r.shape().equals(new Shape(768, 256, 1, 1))));
        assertTrue(table.stream()
                .anyMatch(r -> r.name().equals("enc_16x16_down.skip.weight")
                        && r.shape().equals(new Shape(256, 256, 1, 1))));
    }

    @Test
    void summaryListsEveryTensorAndTheTotal() {
        SongUNet net = new SongUNet(tiny(0));
        String summary = ModelSummary.format(net);
        assertEquals(net.layerTable().size() + 3, summary.lines().count());
        assertTrue(
                summary.contains(String.format(java.util.Locale.ROOT, "%,d parameters", net.parameterCount())),
                summary);
        assertTrue(
                summary.lines()
                        .anyMatch(l -> l.startsWith("enc_8x8_conv.weight")
                                && l.contains("(8, 1, 3, 3)")
                                && l.trim().endsWith("72")),
                summary);
    }

    @Test
    void smallConfigurationMapsImagesToImagesOfTheSameShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(NetworkSpec.small());
            net.initialize(manager, 7);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
            NDArray cNoise = manager.create(new float[] {-1f, 0.5f});
            NDArray y = net.forward(ps, x, cNoise, false, null);
            assertEquals(new Shape(2, 1, 28, 28), y.getShape());
            NDArray viaBlock =
                    net.forward(ps, new ai.djl.ndarray.NDList(x, cNoise), false).singletonOrThrow();
            assertArrayEquals(y.toFloatArray(), viaBlock.toFloatArray());
            assertTrue(y.isInfinite().logicalOr(y.isNaN()).none().getBoolean());
        }
    }

    @Test
    void sameSeedGivesSameWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet a = new SongUNet(tiny(0));
            SongUNet b = new SongUNet(tiny(0));
            a.initialize(manager, 3);
            b.initialize(manager, 3);
            String name = a.layerTable().get(0).name();
            assertArrayEquals(
                    a.namedParameters().get(name).getArray().toFloatArray(),
                    b.namedParameters().get(name).getArray().toFloatArray());
        }
    }

    @Test
    void replayedDropoutMasksGiveEqualOutputsAndFreshMasksDoNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(tiny(0.5));
            net.initialize(manager, 1);
            // conv1 is initialised near zero; scale its weights so dropout visibly changes the output
            net.getParameters().forEach(p -> {
                if (p.getKey().contains("conv1") || p.getKey().contains("aux_conv")) {
                    p.getValue().getArray().muli(1e5f);
                }
            });
            ParameterStore ps = new ParameterStore(manager, true);
            NDArray x = manager.randomNormal(new Shape(2, 1, 8, 8));
            NDArray cNoise = manager.create(new float[] {0.1f, -0.3f});
            DropoutMasks masks = new DropoutMasks();
            NDArray first = net.forward(ps, x, cNoise, true, masks);
            NDArray replay = net.forward(ps, x, cNoise, true, masks);
            NDArray fresh = net.forward(ps, x, cNoise, true, new DropoutMasks());
            assertTrue(masks.size() > 0);
            assertArrayEquals(first.toFloatArray(), replay.toFloatArray());
            assertTrue(first.sub(fresh).abs().max().getFloat() > 1e-3f);
        }
    }

    @Test
    void groupNormNeedsFourChannelsPerGroup() {
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(2, 1e-6));
        assertEquals(32, new GroupNorm(256, 1e-6).groups());
        assertEquals(8, new GroupNorm(32, 1e-6).groups());
    }
}
