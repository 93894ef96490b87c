package io.ectstream.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.safetensors.ReferenceLayout;
import io.ectstream.core.safetensors.Safetensors;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code export-weights --format safetensors} and {@code import-weights} against the reference implementation's
 * parameter list (reference-params/*.json, written by make_reference_params.py from github.com/locuslab/ect).
 */
class SafetensorsWeightsTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static NetworkSpec network(String config) {
        return TrainingConfigLoader.load(REPO.resolve("configs/" + config + ".yaml"), List.of())
                .network();
    }

    /** The fixture: reference state_dict name -> shape. */
    private static Map<String, List<Long>> referenceParams(String config) throws Exception {
        try (InputStream in =
                SafetensorsWeightsTest.class.getResourceAsStream("/reference-params/" + config + ".json")) {
            return new TreeMap<>(JSON.readValue(in, new TypeReference<Map<String, List<Long>>>() {}));
        }
    }

    private static Map<String, List<Long>> shapes(Map<String, long[]> shapes) {
        Map<String, List<Long>> out = new TreeMap<>();
        shapes.forEach(
                (name, shape) -> out.put(name, Arrays.stream(shape).boxed().toList()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cifar10", "demo"})
    void namesAndShapesAreThoseOfTheReferenceNetwork(String config) throws Exception {
        Map<String, List<Long>> expected = referenceParams(config);
        assertEquals(
                expected,
                shapes(ReferenceLayout.of(new SongUNet(network(config))).shapes()));
        assertEquals(config.equals("cifar10") ? 424 : 208, expected.size());
    }

    /** A training checkpoint of the demo network whose student and EMA weights differ. */
    private Path trainingCheckpoint(NetworkSpec spec) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet student = new SongUNet(spec);
            student.initialize(manager, 1);
            SongUNet ema = new SongUNet(spec);
            ema.initialize(manager, 2);
            // biases start at 0 and norm scales at 1: a ramp makes every tensor distinct, so a swap would show
            for (NDArray a : ParameterTensors.arrays(ema).values()) {
                a.addi(manager.arange((float) a.size()).reshape(a.getShape()).mul(1e-4f));
            }
            Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
            groups.put(CheckpointFormat.GROUP_STUDENT, ParameterTensors.arrays(student));
            groups.put(CheckpointFormat.GROUP_EMA, ParameterTensors.arrays(ema));
            CheckpointMetadata metadata = new CheckpointMetadata(
                    "demo", 123, 3936, Phase.ECT, 1, spec, null, Map.of(), Map.of(), Instant.now());
            return CheckpointWriter.write(dir.resolve("step-123.ckpt"), metadata, groups)
                    .file();
        }
    }

    private static int run(Object command, StringWriter err, String... args) {
        return new CommandLine(command).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void exportWritesTheEmaWeightsUnderReferenceNamesAndImportRestoresThemBitForBit() throws Exception {
        NetworkSpec spec = network("demo");
        Path source = trainingCheckpoint(spec);
        Path exported = dir.resolve("out/model.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        new ExportWeightsCommand(),
                        err,
                        "--checkpoint",
                        source.toString(),
                        "--format",
                        "safetensors",
                        "--out",
                        exported.toString()),
                err.toString());
        assertTrue(Files.readString(dir.resolve("out/model.safetensors.sha256")).endsWith("  model.safetensors\n"));

        Safetensors.Contents contents = Safetensors.read(exported);
        Map<String, long[]> exportedShapes = new LinkedHashMap<>();
        contents.tensors().forEach((name, tensor) -> exportedShapes.put(name, tensor.shape()));
        assertEquals(referenceParams("demo"), shapes(exportedShapes));
        assertEquals("pt", contents.metadata().get("format"));
        assertEquals("123", contents.metadata().get("ectstream.step"));

        LoadedCheckpoint original = CheckpointReader.read(source, null, null);
        Map<String, HostTensor> ema = original.group(CheckpointFormat.GROUP_EMA);
        // layouts are PyTorch's already: the same bytes under the new name, the EMA's and not the student's
        assertArrayEquals(
                ema.get("enc_7x7_block0.attn.qkv.weight").data(),
                contents.tensors().get("model.enc.7x7_block0.qkv.weight").data());
        ema.forEach((name, tensor) -> assertArrayEquals(
                tensor.data(),
                contents.tensors().get(ReferenceLayout.referenceName(name)).data(),
                name));
        assertArrayEquals(
                new float[] {0.25f, 0.25f, 0.25f, 0.25f},
                contents.tensors()
                        .get("model.dec.28x28_up.skip.resample_filter")
                        .data());

        Path imported = dir.resolve("imported.ckpt");
        assertEquals(
                0,
                run(
                        new ImportWeightsCommand(),
                        err,
                        "--safetensors",
                        exported.toString(),
                        "--config",
                        REPO.resolve("configs/demo.yaml").toString(),
                        "--out",
                        imported.toString()),
                err.toString());
        LoadedCheckpoint back = CheckpointReader.read(imported, null, null);
        assertEquals(
                List.of(CheckpointFormat.GROUP_EMA), List.copyOf(back.groups().keySet()));
        Map<String, HostTensor> backEma = back.group(CheckpointFormat.GROUP_EMA);
        assertEquals(List.copyOf(ema.keySet()), List.copyOf(backEma.keySet()));
        ema.forEach((name, tensor) -> {
            assertArrayEquals(tensor.shape(), backEma.get(name).shape(), name);
            assertArrayEquals(tensor.data(), backEma.get(name).data(), name);
        });
        assertEquals(123, back.metadata().step());
        assertEquals(Phase.ECT, back.metadata().phase());
        assertEquals(1, back.metadata().ectStage());
        assertEquals(spec, back.metadata().network());

        // and the hidden denoise command gives the same D(x, sigma) from both checkpoints
        Path before = dir.resolve("before.npz");
        Path after = dir.resolve("after.npz");
        String[] common = {"--seed", "5", "--sigma", "80,0.5"};
        assertEquals(
                0,
                run(
                        new DenoiseCommand(),
                        err,
                        concat(common, "--checkpoint", source.toString(), "--out", before.toString())));
        assertEquals(
                0,
                run(
                        new DenoiseCommand(),
                        err,
                        concat(common, "--checkpoint", imported.toString(), "--out", after.toString())));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList a = NDList.decode(manager, Files.readAllBytes(before));
            NDList b = NDList.decode(manager, Files.readAllBytes(after));
            assertEquals(
                    List.of("x", "sigma", "d"), a.stream().map(NDArray::getName).toList());
            assertArrayEquals(new long[] {2, 1, 28, 28}, a.get(2).getShape().getShape());
            assertArrayEquals(new float[] {80f, 0.5f}, a.get(1).toFloatArray());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray());
            }
        }
    }

    @Test
    void importRefusesWeightsOfAnotherNetworkWithAClearError() throws Exception {
        Path source = trainingCheckpoint(network("demo"));
        Path exported = dir.resolve("model.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        new ExportWeightsCommand(),
                        err,
                        "--checkpoint",
                        source.toString(),
                        "--format",
                        "safetensors",
                        "--out",
                        exported.toString()));

        StringWriter cifarErr = new StringWriter();
        assertEquals(
                2,
                run(
                        new ImportWeightsCommand(),
                        cifarErr,
                        "--safetensors",
                        exported.toString(),
                        "--config",
                        REPO.resolve("configs/cifar10.yaml").toString(),
                        "--out",
                        dir.resolve("x.ckpt").toString()));
        assertTrue(cifarErr.toString().contains("was exported from network"), cifarErr.toString());

        // a file PyTorch wrote (no ectstream metadata) that lacks a tensor and has one too many
        Map<String, HostTensor> tensors =
                new LinkedHashMap<>(Safetensors.read(exported).tensors());
        tensors.remove("model.dec.7x7_in0.qkv.weight");
        tensors.put("model.map_augment.weight", new HostTensor(new long[] {128, 9}, new float[128 * 9]));
        Path foreign = dir.resolve("foreign.safetensors");
        Safetensors.write(foreign, Map.of("format", "pt"), tensors);
        StringWriter foreignErr = new StringWriter();
        assertEquals(
                2,
                run(
                        new ImportWeightsCommand(),
                        foreignErr,
                        "--safetensors",
                        foreign.toString(),
                        "--config",
                        REPO.resolve("configs/demo.yaml").toString(),
                        "--out",
                        dir.resolve("y.ckpt").toString()));
        assertTrue(
                foreignErr
                        .toString()
                        .contains("1 missing (first: model.dec.7x7_in0.qkv.weight), 1 unexpected (first:"
                                + " model.map_augment.weight)"),
                foreignErr.toString());
        assertTrue(Files.notExists(dir.resolve("y.ckpt")));
    }

    private static String[] concat(String[] head, String... tail) {
        String[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
