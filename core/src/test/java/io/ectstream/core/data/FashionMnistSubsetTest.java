package io.ectstream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.core.sampling.ImageShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped subset against values read independently with Python (fixtures/fashion_subset.py). */
class FashionMnistSubsetTest {
    private static JsonNode expected;
    private static Path subset;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = FashionMnistSubsetTest.class.getResourceAsStream("/fixtures/fashion_subset.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        subset = DatasetLocations.findUpwards(Path.of("").toAbsolutePath(), DatasetLocations.SUBSET_IN_REPO)
                .orElseThrow();
    }

    private static ImageDataset open(Split split, int resolution, int channels, Fit fit) {
        return Datasets.open(new DatasetSpec(DatasetKind.FASHION_MNIST, subset, split, resolution, channels, fit));
    }

    @Test
    void countsLabelsAndFirstImageMatchPython() {
        ImageDataset train = open(Split.TRAIN, 28, 1, Fit.PAD);
        assertEquals(expected.get("trainCount").asInt(), train.size());
        assertEquals(new ImageShape(1, 28, 28), train.shape());
        assertTrue(train.hasLabels());
        assertEquals(10, train.numClasses());
        for (int i = 0; i < 20; i++) {
            assertEquals(expected.get("trainLabelsFirst20").get(i).asInt(), train.label(i), "label " + i);
        }
        int[] counts = new int[10];
        for (int i = 0; i < train.size(); i++) {
            counts[train.label(i)]++;
        }
        assertArrayEquals(ints(expected.get("trainLabelCounts")), counts);
        assertArrayEquals(ints(expected.get("trainImage0")), unsigned(train.image(0)));
        int lastSum = 0;
        for (int v : unsigned(train.image(train.size() - 1))) {
            lastSum += v;
        }
        assertEquals(expected.get("trainImageLastSum").asInt(), lastSum);

        ImageDataset test = open(Split.TEST, 28, 1, Fit.PAD);
        assertEquals(expected.get("testCount").asInt(), test.size());
        assertArrayEquals(ints(expected.get("testImage0")), unsigned(test.image(0)));
        assertEquals(expected.get("testLabelsFirst20").get(19).asInt(), test.label(19));
    }

    @Test
    void padsCentredOnBlackAndScalesToMinusOneOne() {
        ImageDataset padded = open(Split.TRAIN, 32, 1, Fit.PAD);
        assertEquals(new ImageShape(1, 32, 32), padded.shape());
        int[] original = ints(expected.get("trainImage0"));
        int[] image = unsigned(padded.image(0));
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                int want = inside ? original[(y - 2) * 28 + (x - 2)] : 0;
                assertEquals(want, image[y * 32 + x], "pixel " + y + "," + x);
            }
        }
        float[] scaled = new float[3 + 32 * 32];
        padded.copyScaled(0, scaled, 3);
        assertEquals(-1f, scaled[3], 0f);
        int brightest = 0;
        for (int i = 1; i < image.length; i++) {
            brightest = image[i] > image[brightest] ? i : brightest;
        }
        assertEquals(image[brightest] / 127.5f - 1f, scaled[3 + brightest], 1e-6f);
    }

    @Test
    void resizesBilinearlyLikeNumpy() {
        ImageDataset small = open(Split.TRAIN, 16, 1, Fit.RESIZE);
        int[] want = ints(expected.get("trainImage0Resized16"));
        int[] got = unsigned(small.image(0));
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1, "pixel " + i + ": numpy " + want[i] + ", java " + got[i]);
        }
    }

    @Test
    void repeatsGrayIntoThreeChannels() {
        ImageDataset rgb = open(Split.TEST, 28, 3, Fit.PAD);
        int[] gray = ints(expected.get("testImage0"));
        int[] image = unsigned(rgb.image(0));
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < gray.length; i++) {
                assertEquals(gray[i], image[c * 784 + i]);
            }
        }
    }

    @Test
    void fallsBackToTheShippedSubsetOnlyForTheDefaultPlace(@TempDir Path empty) {
        DatasetLocations missingFull = new DatasetLocations(empty.resolve("fashion-mnist"), empty, subset);
        ImageDataset fallback = Datasets.open(DatasetSpec.fashionMnist(Split.TRAIN, 32), missingFull);
        assertEquals(expected.get("trainCount").asInt(), fallback.size());
        assertTrue(fallback.name().contains(subset.toString()), fallback.name());

        DatasetSpec explicit = DatasetSpec.fashionMnist(Split.TRAIN, 32).withPath(empty.resolve("elsewhere"));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> Datasets.open(explicit, missingFull));
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());

        DatasetLocations nothing = new DatasetLocations(empty.resolve("fashion-mnist"), empty, null);
        assertThrows(
                DatasetFormatException.class, () -> Datasets.open(DatasetSpec.fashionMnist(Split.TEST, 28), nothing));
    }

    @Test
    void theFullDatasetWhereInstalledStartsWithTheSubset() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FashionMnistFiles.present(DatasetLocations.DEBIAN_FASHION_MNIST, Split.TEST),
                "dataset-fashion-mnist is not installed");
        ImageDataset full = Datasets.open(DatasetSpec.fashionMnist(Split.TEST, 28));
        assertEquals(10_000, full.size());
        assertArrayEquals(ints(expected.get("testImage0")), unsigned(full.image(0)));
        assertEquals(expected.get("testLabelsFirst20").get(7).asInt(), full.label(7));
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    static int[] unsigned(byte[] bytes) {
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xFF;
        }
        return values;
    }
}
