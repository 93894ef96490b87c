package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.DenoiserImageGenerator;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.Phase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), 0.1, 0.5);

    @TempDir
    Path root;

    private NDManager manager;
    private SongUNet student;
    private SongUNet ema;

    @BeforeEach
    void networks() {
        manager = NDManager.newBaseManager();
        student = new SongUNet(SPEC);
        student.initialize(manager, 1);
        ema = new SongUNet(SPEC);
        ema.initialize(manager, 2);
        ema.getParameters().forEach(p -> p.getValue().getArray().addi(0.02f));
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private CheckpointMetadata metadata() {
        ObjectNode training = new ObjectMapper().createObjectNode();
        training.put("lr", 1e-4).put("batch", 128).putObject("ect").put("q", 2);
        return new CheckpointMetadata(
                "run-1",
                1234,
                157_952,
                Phase.ECT,
                3,
                SPEC,
                training,
                Map.of("init", 7L, "data", 8L),
                Map.of("optim.t", 1234.0),
                Instant.parse("2026-11-26T12:00:00Z"));
    }

    private WrittenCheckpoint write(long step) throws IOException {
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        groups.put(CheckpointFormat.GROUP_STUDENT, ParameterTensors.arrays(student));
        groups.put(CheckpointFormat.GROUP_EMA, ParameterTensors.arrays(ema));
        Map<String, NDArray> m = new LinkedHashMap<>();
        ParameterTensors.arrays(student).forEach((k, v) -> m.put(k, v.mul(0.5f)));
        groups.put("optim.m", m);
        return CheckpointWriter.write(CheckpointStore.fileFor(root, "run-1", step), metadata(), groups);
    }

    private CheckpointExpectation expect(WrittenCheckpoint w) {
        return new CheckpointExpectation(w.sha256(), w.sizeBytes(), SPEC.toAvro());
    }

    @Test
    void roundTripKeepsMetadataTensorsAndReportsTheFileHash() throws Exception {
        WrittenCheckpoint written = write(1234);
        assertEquals(
                root.resolve("run-1/step-000001234.ckpt").toAbsolutePath(),
                written.file().toAbsolutePath());
        byte[] bytes = Files.readAllBytes(written.file());
        assertEquals(bytes.length, written.sizeBytes());
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), written.sha256());
        try (var files = Files.list(written.file().getParent())) {
            assertEquals(1, files.count(), "no temp file left behind");
        }

        LoadedCheckpoint loaded = CheckpointReader.read(written.file(), expect(written), null);
        assertEquals(metadata(), loaded.metadata());
        assertEquals(Set.of("student", "ema", "optim.m"), loaded.groups().keySet());
        Map<String, NDArray> want = ParameterTensors.arrays(ema);
        Map<String, HostTensor> got = loaded.group("ema");
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, array) -> {
            assertArrayEquals(array.getShape().getShape(), got.get(name).shape());
            assertArrayEquals(array.toFloatArray(), got.get(name).data(), name);
        });
        assertEquals(written.sha256(), loaded.sha256());

        LoadedCheckpoint selfChecked = CheckpointReader.read(written.file(), null, Set.of("student"));
        assertEquals(Set.of("student"), selfChecked.groups().keySet());
        assertEquals(1234, CheckpointReader.readMetadata(written.file()).step());
    }

    @Test
    void loaderServesTheEmaWeights() throws Exception {
        WrittenCheckpoint written = write(10);
        long[] seeds = {5, 6};
        SamplerSettings settings = SamplerSettings.ect(2);
        byte[][] direct;
        try (NDManager m = NDManager.newBaseManager()) {
            SongUNet copy = new SongUNet(SPEC);
            ParameterTensors.load(
                    copy,
                    m,
                    CheckpointReader.read(written.file(), null, Set.of("ema")).group("ema"));
            direct = new DenoiserImageGenerator(m.newSubManager(), copy).generate(seeds, settings);
        }
        try (ImageGenerator generator = new CheckpointModelLoader(Device.cpu()).load(written.file(), expect(written))) {
            assertEquals(8, generator.shape().height());
            byte[][] served = generator.generate(seeds, settings);
            assertArrayEquals(direct[0], served[0]);
            assertArrayEquals(direct[1], served[1]);
        }
    }

    @Test
    void loaderRefusesNonFiniteWeights() throws Exception {
        NDArray first = ema.getParameters().valueAt(0).getArray();
        first.set(new ai.djl.ndarray.index.NDIndex(0), Float.NaN);
        WrittenCheckpoint written = write(11);
        CheckpointException e = assertThrows(
                CheckpointException.class,
                () -> new CheckpointModelLoader(Device.cpu()).load(written.file(), expect(written)));
        assertTrue(e.getMessage().startsWith("checkpoint run-1@1234: its ema weights hold "), e.getMessage());
        assertTrue(e.getMessage().contains("non-finite value(s) (first: "), e.getMessage());
        assertTrue(e.getMessage().contains("] = NaN); not loaded"), e.getMessage());
    }

    @Test
    void loadOverwritesAnInitialisedNetwork() throws Exception {
        WrittenCheckpoint written = write(11);
        ParameterTensors.load(
                student,
                manager,
                CheckpointReader.read(written.file(), null, null).group("ema"));
        Map<String, NDArray> want = ParameterTensors.arrays(ema);
        ParameterTensors.arrays(student)
                .forEach((name, array) -> assertArrayEquals(want.get(name).toFloatArray(), array.toFloatArray(), name));
        SongUNet other = new SongUNet(new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 2, List.of(4), 0.1, 0.5));
        CheckpointException e = assertThrows(
                CheckpointException.class,
                () -> ParameterTensors.load(
                        other,
                        manager,
                        CheckpointReader.read(written.file(), null, null).group("ema")));
        assertTrue(e.getMessage().contains("lacks parameter"), e.getMessage());
    }

    @Test
    void rejectsAMissingFile() {
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> CheckpointReader.read(root.resolve("nope.ckpt"), null, null));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void rejectsWrongSizeAndWrongHash() throws Exception {
        WrittenCheckpoint w = write(1);
        CheckpointException size = assertThrows(
                CheckpointException.class,
                () -> CheckpointReader.read(
                        w.file(), new CheckpointExpectation(w.sha256(), w.sizeBytes() + 1, null), null));
        assertTrue(size.getMessage().contains("bytes, expected"), size.getMessage());
        String otherHash = "0".repeat(64);
        CheckpointException hash = assertThrows(
                CheckpointException.class,
                () -> new CheckpointModelLoader(Device.cpu())
                        .load(w.file(), new CheckpointExpectation(otherHash, w.sizeBytes(), null)));
        assertTrue(hash.getMessage().contains("SHA-256"), hash.getMessage());
    }

    @Test
    void checkBytesHashesOnceAndTheReaderTakesItsDigest() throws Exception {
        WrittenCheckpoint w = write(1);
        CheckpointExpectation checked = expect(w).checkBytes(w.file());
        assertTrue(checked.bytesChecked());
        assertEquals(w.sha256(), checked.sha256());
        assertEquals(
                w.sha256(),
                CheckpointReader.read(w.file(), checked, Set.of(CheckpointFormat.GROUP_EMA))
                        .sha256());

        CheckpointException size = assertThrows(
                CheckpointException.class,
                () -> new CheckpointExpectation(w.sha256(), w.sizeBytes() + 1, null).checkBytes(w.file()));
        assertTrue(size.getMessage().contains("bytes, expected"), size.getMessage());
        CheckpointException hash = assertThrows(
                CheckpointException.class,
                () -> new CheckpointExpectation("0".repeat(64), w.sizeBytes(), null).checkBytes(w.file()));
        assertTrue(hash.getMessage().contains("SHA-256"), hash.getMessage());
    }

    @Test
    void rejectsATruncatedFile() throws Exception {
        WrittenCheckpoint w = write(2);
        try (RandomAccessFile f = new RandomAccessFile(w.file().toFile(), "rw")) {
            f.setLength(w.sizeBytes() - 100);
        }
        CheckpointException e =
                assertThrows(CheckpointException.class, () -> CheckpointReader.read(w.file(), null, null));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        try (RandomAccessFile f = new RandomAccessFile(w.file().toFile(), "rw")) {
            f.setLength(10);
        }
        assertThrows(CheckpointException.class, () -> CheckpointReader.read(w.file(), null, null));
    }

    @Test
    void rejectsCorruptContent() throws Exception {
        WrittenCheckpoint w = write(3);
        flipByte(w.file(), w.sizeBytes() - 1000);
        CheckpointException self =
                assertThrows(CheckpointException.class, () -> CheckpointReader.read(w.file(), null, null));
        assertTrue(self.getMessage().contains("internal SHA-256"), self.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointReader.read(w.file(), expect(w), null));

        WrittenCheckpoint header = write(4);
        flipByte(header.file(), 30);
        CheckpointException e =
                assertThrows(CheckpointException.class, () -> CheckpointReader.read(header.file(), null, null));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void rejectsAnotherNetworkConfiguration() throws Exception {
        WrittenCheckpoint w = write(5);
        NetworkSpec other = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 2, List.of(4), 0.1, 0.5);
        CheckpointException e = assertThrows(
                CheckpointException.class,
                () -> CheckpointReader.read(
                        w.file(), new CheckpointExpectation(w.sha256(), w.sizeBytes(), other.toAvro()), null));
        assertTrue(e.getMessage().contains("expected NetworkSpec"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownFormatVersion() throws Exception {
        WrittenCheckpoint w = write(6);
        try (RandomAccessFile f = new RandomAccessFile(w.file().toFile(), "rw")) {
            f.seek(CheckpointFormat.MAGIC.length);
            f.writeInt(99);
        }
        CheckpointException e =
                assertThrows(CheckpointException.class, () -> CheckpointReader.read(w.file(), null, null));
        assertTrue(e.getMessage().contains("unknown format version 99"), e.getMessage());
    }

    @Test
    void rejectsAFileThatIsNotACheckpoint() throws Exception {
        Path file = root.resolve("x.ckpt");
        Files.write(file, new byte[200]);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(file, null, null));
        assertTrue(e.getMessage().contains("not an ECT Stream checkpoint"), e.getMessage());
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5A);
        }
    }
}
