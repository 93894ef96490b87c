package io.ectstream.fidtools.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.FeatureExtractionException;
import io.ectstream.evaluator.features.FeatureNetConfig;
import io.ectstream.evaluator.features.FeatureNetExtractor;
import io.ectstream.evaluator.features.FeatureNetFile;
import io.ectstream.evaluator.features.FileHashes;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.LabeledImages;
import io.ectstream.evaluator.features.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureNetTrainerTest {
    private static final ImageShape SHAPE = new ImageShape(1, 16, 16);

    @Test
    void learnsSeparableClassesAndSavesAVerifiableFile(@TempDir Path dir) throws Exception {
        LabeledImages data = TestImages.stripes(SHAPE, 360, 7);
        Path file = dir.resolve("feature-net.bin");
        var result = FeatureNetTrainer.train(
                data, new FeatureNetConfig(SHAPE, 8, 32, 3), new FeatureNetTraining(3, 32, 3e-3f, 5, 0.25), file);

        assertTrue(result.heldOutAccuracy() > 0.9, "held-out accuracy " + result.heldOutAccuracy());
        assertEquals(FileHashes.sha256(file), result.sha256());
        assertTrue(Files.readString(FeatureNetFile.sidecar(file)).startsWith(result.sha256()));

        Random random = new Random(11);
        byte[] a = TestImages.image(SHAPE, 0, random);
        byte[] b = TestImages.image(SHAPE, 1, random);
        ImageBatch batch = ImageBatch.of(SHAPE, java.util.List.of(a, b));
        float[][] first;
        try (FeatureNetExtractor extractor = new FeatureNetExtractor(file)) {
            assertEquals("feature-net:" + result.sha256().substring(0, 16), extractor.id());
            assertEquals(32, extractor.dimension());
            first = extractor.extract(batch);
            assertEquals(2, first.length);
            assertEquals(32, first[0].length);
        }
        try (FeatureNetExtractor again = new FeatureNetExtractor(file)) {
            float[][] second = again.extract(batch);
            assertArrayEquals(first[0], second[0], 0f, "a reloaded net gives the same features");
            float[][] single = again.extract(batch.slice(1, 2));
            assertArrayEquals(first[1], single[0], 1e-5f, "features do not depend on the batch");
        }

        var again = FeatureNetTrainer.train(
                data,
                new FeatureNetConfig(SHAPE, 8, 32, 3),
                new FeatureNetTraining(3, 32, 3e-3f, 5, 0.25),
                dir.resolve("again.bin"));
        assertEquals(result.sha256(), again.sha256(), "the same seed trains the same weights, byte for byte");

        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(FeatureExtractionException.class, () -> new FeatureNetExtractor(file));
    }
}
