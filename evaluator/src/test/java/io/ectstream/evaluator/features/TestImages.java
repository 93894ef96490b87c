package io.ectstream.evaluator.features;

import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.io.InMemoryImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic labelled images for tests: class 0 horizontal stripes, 1 vertical stripes, 2 a bright square; plus noise. */
public final class TestImages {
    private TestImages() {}

    public static LabeledImages stripes(ImageShape shape, int count, long seed) {
        Random random = new Random(seed);
        List<byte[]> images = new ArrayList<>();
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = i % 3;
            labels[i] = label;
            images.add(image(shape, label, random));
        }
        return new LabeledImages(new InMemoryImages("stripes", shape, images), labels, 3);
    }

    public static byte[] image(ImageShape shape, int label, Random random) {
        int h = shape.height();
        int w = shape.width();
        int phase = random.nextInt(4);
        byte[] chw = new byte[shape.pixels()];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean on = switch (label) {
                        case 0 -> ((y + phase) / 2) % 2 == 0;
                        case 1 -> ((x + phase) / 2) % 2 == 0;
                        default -> Math.abs(y - h / 2) < h / 4 + phase % 2 && Math.abs(x - w / 2) < w / 4;
                    };
                    int v = (on ? 200 : 40) + random.nextInt(40) - 20;
                    chw[(c * h + y) * w + x] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return chw;
    }
}
