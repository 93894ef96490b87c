package io.ectstream.fidtools.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.fidtools.Fixtures;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Against files numpy wrote (fixtures/fid_fixture.py). */
class NpyReaderTest {

    @Test
    void readsFloat64WrittenByNumpy() throws Exception {
        NpyArray a = NpyReader.read(Fixtures.path("npy_float64_3x4.npy"));
        assertEquals(3, a.rows());
        assertEquals(4, a.columns());
        for (int i = 0; i < 12; i++) {
            assertEquals(i / 8.0 - 0.3, a.data()[i], 0.0, "element " + i);
        }
    }

    @Test
    void readsFloat32WrittenByNumpy() throws Exception {
        NpyArray a = NpyReader.read(Fixtures.path("features_gen_d8.npy"));
        assertEquals(300, a.rows());
        assertEquals(8, a.columns());
        for (double v : a.data()) {
            assertEquals(v, (float) v, 0.0, "float32 values widen exactly");
        }
    }

    @Test
    void refusesWhatItCannotRead() throws Exception {
        byte[] good = Files.readAllBytes(Fixtures.path("npy_float64_3x4.npy"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 8);
        assertTrue(assertThrows(NpyFormatException.class, () -> NpyReader.parse(truncated, "t"))
                .getMessage()
                .contains("shorter"));
        byte[] notNpy = "hello world, not numpy".getBytes();
        assertThrows(NpyFormatException.class, () -> NpyReader.parse(notNpy, "x"));
        byte[] intType = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("<f8", "<i8")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(NpyFormatException.class, () -> NpyReader.parse(intType, "i"))
                .getMessage()
                .contains("not float32 or float64"));
    }
}
