package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.Phase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingExportTest {
    @TempDir
    Path root;

    private Path trainingCheckpoint() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet student = new SongUNet(CheckpointTest.SPEC);
            student.initialize(manager, 1);
            SongUNet ema = new SongUNet(CheckpointTest.SPEC);
            ema.initialize(manager, 2);
            Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
            groups.put(CheckpointFormat.GROUP_STUDENT, ParameterTensors.arrays(student));
            groups.put(CheckpointFormat.GROUP_EMA, ParameterTensors.arrays(ema));
            groups.put("optim.m", ParameterTensors.arrays(student));
            CheckpointMetadata metadata = new CheckpointMetadata(
                    "teacher",
                    2500,
                    160_000,
                    Phase.PRETRAIN,
                    0,
                    CheckpointTest.SPEC,
                    null,
                    Map.of("init", 7L),
                    Map.of("optim.t", 2500.0),
                    Instant.parse("2026-11-26T12:00:00Z"));
            return CheckpointWriter.write(CheckpointStore.fileFor(root, "teacher", 2500), metadata, groups)
                    .file();
        }
    }

    @Test
    void keepsMetadataAndEmaWeightsOnlyAndSamplesTheSameImages() throws Exception {
        Path source = trainingCheckpoint();
        Path target = root.resolve("serving/teacher.ckpt");
        WrittenCheckpoint written = ServingExport.emaOnly(source, target);

        LoadedCheckpoint full = CheckpointReader.read(source, null, null);
        LoadedCheckpoint export = CheckpointReader.read(target, null, null);
        assertEquals(Set.of(CheckpointFormat.GROUP_EMA), export.groups().keySet());
        assertEquals(full.metadata(), export.metadata());
        assertEquals(written.sha256(), CheckpointReader.sha256Hex(target));
        assertTrue(written.sizeBytes() * 2.5 < Files.size(source), "three groups shrink to one");
        Map<String, HostTensor> a = full.group(CheckpointFormat.GROUP_EMA);
        Map<String, HostTensor> b = export.group(CheckpointFormat.GROUP_EMA);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, tensor) -> assertArrayEquals(tensor.data(), b.get(name).data(), name));

        long[] seeds = {3, 4, 5};
        CheckpointModelLoader loader = new CheckpointModelLoader(Device.cpu());
        try (ImageGenerator original = loader.load(source, null);
                ImageGenerator exported = loader.load(target, null)) {
            assertArrayEquals(
                    original.generate(seeds, SamplerSettings.ect(2)), exported.generate(seeds, SamplerSettings.ect(2)));
        }
    }

    @Test
    void studentWeightsBecomeTheServedWeightsOfAStudentExport() throws Exception {
        Path source = trainingCheckpoint();
        Path target = root.resolve("serving/student.ckpt");
        ServingExport.servable(source, target, CheckpointFormat.GROUP_STUDENT);

        LoadedCheckpoint full = CheckpointReader.read(source, null, null);
        LoadedCheckpoint export = CheckpointReader.read(target, null, null);
        assertEquals(Set.of(CheckpointFormat.GROUP_EMA), export.groups().keySet());
        Map<String, HostTensor> student = full.group(CheckpointFormat.GROUP_STUDENT);
        Map<String, HostTensor> served = export.group(CheckpointFormat.GROUP_EMA);
        assertEquals(student.keySet(), served.keySet());
        student.forEach((name, tensor) ->
                assertArrayEquals(tensor.data(), served.get(name).data(), name));

        long[] seeds = {3, 4, 5};
        try (ImageGenerator original = new CheckpointModelLoader(
                                Device.cpu(),
                                true,
                                io.ectstream.core.sampling.Precision.FP32,
                                CheckpointFormat.GROUP_STUDENT)
                        .load(source, null);
                ImageGenerator exported = new CheckpointModelLoader(Device.cpu()).load(target, null)) {
            assertArrayEquals(
                    original.generate(seeds, SamplerSettings.ect(2)), exported.generate(seeds, SamplerSettings.ect(2)));
        }
    }

    @Test
    void anExportUnderAnotherRunIdKeepsEveryOtherFieldAndTheWeights() throws Exception {
        Path source = trainingCheckpoint();
        Path target = root.resolve("serving/shipped.ckpt");
        ServingExport.servable(source, target, CheckpointFormat.GROUP_STUDENT, "shipped-model");

        LoadedCheckpoint full = CheckpointReader.read(source, null, null);
        LoadedCheckpoint export = CheckpointReader.read(target, null, null);
        CheckpointMetadata a = full.metadata();
        CheckpointMetadata b = export.metadata();
        assertEquals("teacher", a.runId());
        assertEquals("shipped-model", b.runId());
        assertEquals(
                List.of(a.step(), a.imagesSeen(), a.phase(), a.ectStage(), a.network(), a.seeds(), a.scalars()),
                List.of(b.step(), b.imagesSeen(), b.phase(), b.ectStage(), b.network(), b.seeds(), b.scalars()));
        assertEquals(a.createdAt(), b.createdAt());
        Map<String, HostTensor> served = export.group(CheckpointFormat.GROUP_EMA);
        full.group(CheckpointFormat.GROUP_STUDENT)
                .forEach((name, tensor) ->
                        assertArrayEquals(tensor.data(), served.get(name).data(), name));
        assertThrows(
                IllegalArgumentException.class,
                () -> ServingExport.servable(source, root.resolve("bad.ckpt"), CheckpointFormat.GROUP_EMA, "../x"));
    }

    @Test
    void refusesADamagedSourceAndWritingOverItself() throws Exception {
        Path source = trainingCheckpoint();
        assertThrows(IllegalArgumentException.class, () -> ServingExport.emaOnly(source, source));
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x55);
        }
        Path target = root.resolve("out.ckpt");
        assertThrows(CheckpointException.class, () -> ServingExport.emaOnly(source, target));
        assertTrue(Files.notExists(target));
    }
}
