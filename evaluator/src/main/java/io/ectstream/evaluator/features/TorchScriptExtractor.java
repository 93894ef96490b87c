package io.ectstream.evaluator.features;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.ectstream.core.sampling.ImageShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any TorchScript module that takes uint8 NCHW images and returns float [n, d] features (for
 * example an Inception-v3 FID network a user exported), run by DJL's PyTorch engine.
 * The feature dimension is found by running one blank image of the expected shape at load time.
 */
public final class TorchScriptExtractor implements FeatureExtractor {
    private static final Logger log = LoggerFactory.getLogger(TorchScriptExtractor.class);

    private final String id;
    private final ImageShape shape;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final int dimension;

    public TorchScriptExtractor(Path file, ImageShape shape) {
        if (!Files.isRegularFile(file)) {
            throw new FeatureExtractionException("TorchScript file not found: " + file);
        }
        this.shape = shape;
        try {
            this.id = "torchscript:" + file.getFileName() + "@"
                    + FileHashes.sha256(file).substring(0, 16);
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(file)
                    .optEngine("PyTorch")
                    .optTranslator(new NoopTranslator())
                    .build();
            this.model = criteria.loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new FeatureExtractionException("cannot load TorchScript model " + file + ": " + e.getMessage(), e);
        }
        this.predictor = model.newPredictor();
        this.dimension = run(new ImageBatch(shape, 1, new byte[shape.pixels()]))[0].length;
        log.info("TorchScript feature extractor {} loaded: {} -> {} features", id, shape, dimension);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] extract(ImageBatch batch) {
        if (!batch.shape().equals(shape)) {
            throw new FeatureExtractionException("this extractor takes " + shape + " images, got " + batch.shape());
        }
        float[][] features = run(batch);
        if (features.length > 0 && features[0].length != dimension) {
            throw new FeatureExtractionException(
                    "the model returned " + features[0].length + " features, expected " + dimension);
        }
        return features;
    }

    private synchronized float[][] run(ImageBatch batch) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray images = manager.create(
                    java.nio.ByteBuffer.wrap(batch.pixels()),
                    new Shape(batch.count(), shape.channels(), shape.height(), shape.width()),
                    DataType.UINT8);
            NDList output = predictor.predict(new NDList(images));
            NDArray features = output.singletonOrThrow().toType(DataType.FLOAT32, false);
            if (features.getShape().dimension() != 2 || features.getShape().get(0) != batch.count()) {
                throw new FeatureExtractionException(
                        "expected [" + batch.count() + ", d] features, got " + features.getShape());
            }
            int d = (int) features.getShape().get(1);
            float[] flat = features.toFloatArray();
            float[][] out = new float[batch.count()][d];
            for (int n = 0; n < out.length; n++) {
                System.arraycopy(flat, n * d, out[n], 0, d);
            }
            output.close();
            return out;
        } catch (TranslateException | RuntimeException e) {
            if (e instanceof FeatureExtractionException fee) {
                throw fee;
            }
            throw new FeatureExtractionException("TorchScript inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
