package io.ectstream.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.ectstream.core.network.SongUNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batched mode padded to a bucket (what a GPU does) gives the request's images, as the unpadded batch does. */
class PaddedBatchTest {
    private static DenoiserImageGenerator generator(boolean pad) {
        NDManager manager = NDManager.newBaseManager();
        SongUNet net = new SongUNet(PrecisionTest.DEMO);
        net.initialize(manager, 8);
        net.namedParameters().values().forEach(p -> p.getArray().addi(0.01f));
        return new DenoiserImageGenerator(manager, net, false, pad);
    }

    @Test
    void aBatchOfFivePaddedToEightReturnsTheFiveImagesOfTheUnpaddedBatch() {
        long[] seeds = NoiseSeeds.forImages(11, 0, 5);
        try (DenoiserImageGenerator padded = generator(true);
                DenoiserImageGenerator plain = generator(false)) {
            for (int steps : new int[] {1, 2}) {
                byte[][] a = padded.generate(seeds, SamplerSettings.ect(steps));
                byte[][] b = plain.generate(seeds, SamplerSettings.ect(steps));
                assertEquals(5, a.length);
                int worst = 0;
                int moved = 0;
                for (int i = 0; i < seeds.length; i++) {
                    for (int p = 0; p < a[i].length; p++) {
                        int d = Math.abs((a[i][p] & 0xff) - (b[i][p] & 0xff));
                        worst = Math.max(worst, d);
                        moved += d > 0 ? 1 : 0;
                    }
                }
                // a batch's size may change the kernels' last float bits, so at most a rare +-1 (see the class doc)
                assertTrue(worst <= 1, steps + " steps: a pixel moved by " + worst);
                assertTrue(moved <= a.length * a[0].length / 100, steps + " steps: " + moved + " pixels moved");
            }
        }
    }

    /** What a GPU's generator does at load: one pass at each bucket size, so no request pays a shape's first run. */
    @Test
    void warmUpRunsEveryBucketSizeOnlyWhenPadding() {
        try (DenoiserImageGenerator padded = generator(true);
                DenoiserImageGenerator plain = generator(false)) {
            assertEquals(List.of(1, 2, 4, 8, 16, 32), padded.warmUp(20));
            assertEquals(List.of(), plain.warmUp(20), "no per-shape cost to pay where batches are not padded");
        }
    }
}
