package io.ectstream.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fp16 sampling on the demo network (28x28, the shipped demo's architecture) against fp32, same weights and
 * seeds. Stated tolerance on the uint8 images: no pixel moves by more than 3 levels and fewer than a quarter
 * of the pixels move at all (fp16 keeps 11 significant bits; the GPU self-test bounds the float output of
 * the CIFAR-10 network at 1e-2 relative L2).
 */
class PrecisionTest {
    static final NetworkSpec DEMO = new NetworkSpec(28, 1, 1, 32, List.of(1, 2, 2), 4, 1, List.of(7), 0.1, 0.5);

    private static DenoiserImageGenerator generator(Precision precision) {
        NDManager manager = NDManager.newBaseManager();
        SongUNet net = new SongUNet(DEMO);
        net.initialize(manager, 8);
        // init_zero layers give F ~ 0; push the weights so that the images depend on the whole network
        net.namedParameters().values().forEach(p -> p.getArray().addi(0.01f));
        net.toPrecision(manager, precision.dataType());
        return new DenoiserImageGenerator(manager, net, false);
    }

    @Test
    void fp16ImagesStayWithinToleranceOfFp32() {
        long[] seeds = NoiseSeeds.forImages(3, 0, 4);
        try (DenoiserImageGenerator full = generator(Precision.FP32);
                DenoiserImageGenerator half = generator(Precision.FP16)) {
            assertEquals(DataType.FLOAT16, half.denoiser().network().computeType());
            for (int steps : new int[] {1, 2}) {
                byte[][] a = full.generate(seeds, SamplerSettings.ect(steps));
                byte[][] b = half.generate(seeds, SamplerSettings.ect(steps));
                int worst = 0;
                int moved = 0;
                for (int i = 0; i < seeds.length; i++) {
                    for (int p = 0; p < a[i].length; p++) {
                        int d = Math.abs((a[i][p] & 0xff) - (b[i][p] & 0xff));
                        worst = Math.max(worst, d);
                        moved += d > 0 ? 1 : 0;
                    }
                }
                assertTrue(worst <= 3, steps + " steps: a pixel moved by " + worst);
                assertTrue(moved < seeds.length * a[0].length / 4, steps + " steps: " + moved + " pixels moved");
            }
        }
    }

    @Test
    void bf16IsRefusedWithItsReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("bf16"));
        assertTrue(e.getMessage().contains("DJL"), e.getMessage());
        assertEquals(Precision.FP16, Precision.parse("FP16"));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("int8"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> new PrecisionConverter().convert("bf16"));
    }
}
