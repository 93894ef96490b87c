package io.ectstream.evaluator.features;

/**
 * Maps images to feature vectors for FID. Statistics are comparable only between features of the
 * same extractor, so every extractor names itself by an id (name and hash of its weights).
 */
public interface FeatureExtractor extends AutoCloseable {

    /** Name and content hash, e.g. {@code feature-net:1f0c...} or {@code torchscript:inception.pt@9a3b...}. */
    String id();

    /** Length d of each feature vector. */
    int dimension();

    /** One feature vector per image: float[batch.count()][dimension()]. */
    float[][] extract(ImageBatch batch);

    @Override
    default void close() {}
}
