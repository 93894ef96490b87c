package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
    // FIPS 180-2 test vector for "abc".
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void fileAndBytesMatchAKnownVector(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals(new Sha256.FileDigest(3, ABC), Sha256.of(file));
        assertEquals(ABC, Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
