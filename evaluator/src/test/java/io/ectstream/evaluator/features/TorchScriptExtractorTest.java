package io.ectstream.evaluator.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.fid.Fixtures;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** fixtures/pooling_features.pt (made by pooling_features.py with torch 1.13) run through DJL's PyTorch engine. */
class TorchScriptExtractorTest {
    private static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    @Test
    void givesTheFeaturesTorchGaveAndThoseComputedByHand() throws Exception {
        byte[] pixels = new byte[2 * SHAPE.pixels()];
        for (int n = 0; n < 2; n++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    pixels[(n * 28 + y) * 28 + x] = (byte) ((n * 7 + y * 5 + x * 11) % 256);
                }
            }
        }
        double[] torchOutput = numbers(Files.readString(Fixtures.path("pooling_features.json")));
        try (TorchScriptExtractor extractor = new TorchScriptExtractor(Fixtures.path("pooling_features.pt"), SHAPE)) {
            assertEquals(17, extractor.dimension());
            assertTrue(extractor.id().startsWith("torchscript:pooling_features.pt@"), extractor.id());
            float[][] features = extractor.extract(new ImageBatch(SHAPE, 2, pixels));
            for (int n = 0; n < 2; n++) {
                for (int k = 0; k < 17; k++) {
                    assertEquals(torchOutput[n * 17 + k], features[n][k], 1e-6, "torch output n=" + n + " k=" + k);
                }
                // By hand: the top-left 7x7 block mean and the image maximum, in [0, 1].
                double sum = 0;
                int max = 0;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int v = pixels[(n * 28 + y) * 28 + x] & 0xFF;
                        max = Math.max(max, v);
                        if (y < 7 && x < 7) {
                            sum += v;
                        }
                    }
                }
                assertEquals(sum / 49 / 255, features[n][0], 1e-6);
                assertEquals(max / 255.0, features[n][16], 1e-6);
            }
        }
    }

    @Test
    void refusesMissingFilesAndWrongShapes() {
        assertThrows(
                FeatureExtractionException.class,
                () -> new TorchScriptExtractor(
                        Fixtures.path("pooling_features.py").resolveSibling("absent.pt"), SHAPE));
        try (TorchScriptExtractor extractor = new TorchScriptExtractor(Fixtures.path("pooling_features.pt"), SHAPE)) {
            ImageShape other = new ImageShape(3, 28, 28);
            assertThrows(
                    FeatureExtractionException.class,
                    () -> extractor.extract(new ImageBatch(other, 1, new byte[other.pixels()])));
        }
    }

    private static double[] numbers(String json) {
        String features = json.substring(json.indexOf("\"features\""));
        Matcher m = Pattern.compile("-?\\d+\\.\\d+(?:[eE][-+]?\\d+)?").matcher(features);
        java.util.List<Double> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(Double.parseDouble(m.group()));
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
