package io.ectstream.evaluator.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;

/** Penultimate-layer features of the trained {@link FeatureNet}. Id: {@code feature-net:<first 16 hex of SHA-256>}. */
public final class FeatureNetExtractor implements FeatureExtractor {
    private final NDManager manager;
    private final FeatureNet net;
    private final String id;

    public FeatureNetExtractor(Path file) {
        this.manager = Engine.getEngine("PyTorch").newBaseManager();
        try {
            this.net = FeatureNetFile.load(file, manager);
            this.id = "feature-net:" + FileHashes.sha256(file).substring(0, 16);
        } catch (IOException e) {
            manager.close();
            throw new FeatureExtractionException("cannot read feature net " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return net.config().featureDimension();
    }

    @Override
    public synchronized float[][] extract(ImageBatch batch) {
        if (!batch.shape().equals(net.config().imageShape())) {
            throw new FeatureExtractionException(
                    "the feature net takes " + net.config().imageShape() + " images, got " + batch.shape());
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray x = toUnitFloat(step, batch, net.inputShape(batch.count()));
            NDArray features = net.features()
                    .forward(new ParameterStore(step, false), new NDList(x), false)
                    .singletonOrThrow();
            int d = dimension();
            float[] flat = features.toFloatArray();
            float[][] out = new float[batch.count()][d];
            for (int n = 0; n < out.length; n++) {
                System.arraycopy(flat, n * d, out[n], 0, d);
            }
            return out;
        }
    }

    /** uint8 NCHW to float32 in [0, 1]: the network's input, the same in training (fid-tools) and extraction. */
    public static NDArray toUnitFloat(NDManager manager, ImageBatch batch, Shape shape) {
        return manager.create(java.nio.ByteBuffer.wrap(batch.pixels()), shape, DataType.UINT8)
                .toType(DataType.FLOAT32, false)
                .div(255f);
    }

    @Override
    public void close() {
        manager.close();
    }
}
