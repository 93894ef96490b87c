package io.ectstream.evaluator.features;

import io.ectstream.core.sampling.ImageShape;
import java.nio.file.Path;

/**
 * Opens a feature extractor from a command-line spec:
 * {@code feature-net:FILE}, {@code torchscript:FILE} or {@code random-projection:D[:SEED]}.
 */
public final class ExtractorSpec {
    private ExtractorSpec() {}

    public static FeatureExtractor open(String spec, ImageShape shape) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("extractor spec '" + spec
                    + "' must be feature-net:FILE, torchscript:FILE or random-projection:D[:SEED]");
        }
        String kind = spec.substring(0, colon);
        String arg = spec.substring(colon + 1);
        return switch (kind) {
            case "feature-net" -> new FeatureNetExtractor(Path.of(arg));
            case "torchscript" -> new TorchScriptExtractor(Path.of(arg), requireShape(shape, spec));
            case "random-projection" -> {
                String[] parts = arg.split(":");
                yield new RandomProjectionExtractor(
                        requireShape(shape, spec),
                        Integer.parseInt(parts[0]),
                        parts.length > 1 ? Long.parseLong(parts[1]) : 0L);
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown extractor kind '" + kind + "' (feature-net, torchscript, random-projection)");
        };
    }

    private static ImageShape requireShape(ImageShape shape, String spec) {
        if (shape == null) {
            throw new IllegalArgumentException(spec + " needs the image shape (--image-shape CxHxW)");
        }
        return shape;
    }

    /** Parses {@code CxHxW}, e.g. {@code 1x28x28}. */
    public static ImageShape parseShape(String text) {
        String[] parts = text.toLowerCase().split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("image shape '" + text + "' must be CxHxW, e.g. 1x28x28");
        }
        return new ImageShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }
}
