package io.ectstream.trainer.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.data.InMemoryDataset;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import io.ectstream.trainer.loop.TrainingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny configurations and an in-memory dataset that train in seconds on a CPU. */
public final class TinyRuns {
    private TinyRuns() {}

    /** 8x8 gray, 8 channels, two levels, one block each, dropout on: about 30k parameters. */
    public static final String NETWORK =
            "network: {imgResolution: 8, inChannels: 1, modelChannels: 8, channelMult: [1, 2], numBlocks: 1,"
                    + " attnResolutions: [4], dropout: 0.1}\n";

    public static TrainingConfig config(
            String runId, double pretrainKimg, double ectKimg, int checkpointEvery, String... overrides) {
        String yaml = NETWORK
                + "seed: 5\n"
                + "pretrain: {kimg: " + pretrainKimg + ", batch: 4, optimizer: {kind: adam, lr: 1.0e-3, beta1: 0.9,"
                + " beta2: 0.999, eps: 1.0e-8, rampupKimg: 0.01}, ema: {halfLifeKimg: 0.02, rampupRatio: 0.05}}\n"
                + "ect: {kimg: " + ectKimg + ", batch: 4, ema: {beta: 0.99}, stageLength: 3}\n"
                + "checkpoint: {everySteps: " + checkpointEvery + "}\n"
                + "log: {everySteps: 2}\n";
        List<String> list = new ArrayList<>(List.of(overrides));
        return TrainingConfigLoader.parse(yaml, list, runId, "tiny test config");
    }

    /** {@code count} random-ish 8x8 gray images (blobs at seeded places), deterministic. */
    public static ImageDataset dataset(int count) {
        ImageShape shape = new ImageShape(1, 8, 8);
        byte[] pixels = new byte[count * shape.pixels()];
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            int cy = random.nextInt(8);
            int cx = random.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                    pixels[i * shape.pixels() + y * 8 + x] = (byte) (int) Math.round(255 * Math.exp(-d2 / 6));
                }
            }
        }
        return new InMemoryDataset("tiny-blobs-" + count, shape, pixels, null);
    }

    /** Random weights everywhere (seeded), so that F is far from zero and every layer carries gradient. */
    public static void randomize(TrainingModel model) {
        try (NDManager scratch = model.manager().newSubManager()) {
            Engine.getInstance().setRandomSeed(3);
            model.parameters()
                    .assign(scratch.randomNormal(
                            0f, 0.3f, new Shape(model.parameters().size()), DataType.FLOAT32));
        }
    }
}
