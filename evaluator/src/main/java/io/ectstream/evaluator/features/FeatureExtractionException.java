package io.ectstream.evaluator.features;

/** Images a feature extractor cannot take (wrong shape, unreadable model file, failed inference). */
public class FeatureExtractionException extends RuntimeException {
    public FeatureExtractionException(String message, Throwable cause) {
        super(message, cause);
    }

    public FeatureExtractionException(String message) {
        super(message);
    }
}
