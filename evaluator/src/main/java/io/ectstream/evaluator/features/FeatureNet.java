package io.ectstream.evaluator.features;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.ectstream.core.device.CpuConvolutions;
import io.ectstream.core.sampling.ImageShape;

/**
 * The default feature network: a small CNN classifier. {@code features} maps images in [0, 1]
 * (NCHW float) to the penultimate activations; {@code classifier} = features followed by one
 * linear layer to the class scores, which is what training fits.
 */
public record FeatureNet(FeatureNetConfig config, SequentialBlock features, SequentialBlock classifier) {

    public static FeatureNet create(FeatureNetConfig config) {
        SequentialBlock features = new SequentialBlock()
                .add(conv(config.width()))
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(2 * config.width()))
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(config.featureDimension()).build())
                .add(Activation::relu);
        SequentialBlock classifier = new SequentialBlock()
                .add(features)
                .add(Linear.builder().setUnits(config.classes()).build());
        return new FeatureNet(config, features, classifier);
    }

    private static Block conv(int filters) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .build();
    }

    /** Allocates the parameters for images of the configured shape (before loading or training). */
    public void initialize(NDManager manager) {
        CpuConvolutions.useReferenceKernels();
        classifier.initialize(manager, DataType.FLOAT32, inputShape(1));
    }

    public Shape inputShape(int batch) {
        ImageShape s = config.imageShape();
        return new Shape(batch, s.channels(), s.height(), s.width());
    }
}
