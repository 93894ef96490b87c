package io.ectstream.evaluator.features;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.sampling.ImageShape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The feature network's file: magic {@code ECTFNET1}, the architecture (channels, height, width,
 * width, feature dimension, classes as ints), then DJL's parameter stream. A sidecar
 * {@code <file>.sha256} holds the SHA-256 of the file; the extractor id is built from it.
 */
public final class FeatureNetFile {
    private static final byte[] MAGIC = "ECTFNET1".getBytes(StandardCharsets.US_ASCII);

    private FeatureNetFile() {}

    /** Writes atomically (temporary file, then rename) and returns the hex SHA-256. */
    public static String save(FeatureNet net, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            FeatureNetConfig c = net.config();
            out.write(MAGIC);
            out.writeInt(c.imageShape().channels());
            out.writeInt(c.imageShape().height());
            out.writeInt(c.imageShape().width());
            out.writeInt(c.width());
            out.writeInt(c.featureDimension());
            out.writeInt(c.classes());
            net.classifier().saveParameters(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String sha = FileHashes.sha256(file);
        Files.writeString(sidecar(file), sha + "  " + file.getFileName() + "\n");
        return sha;
    }

    public static FeatureNet load(Path file, NDManager manager) throws IOException {
        String expected = readSidecar(file);
        String actual = FileHashes.sha256(file);
        if (expected != null && !expected.equals(actual)) {
            throw new FeatureExtractionException(
                    "feature net " + file + " has SHA-256 " + actual + " but its .sha256 file says " + expected);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new FeatureExtractionException(file + " is not a feature net file (bad magic)");
            }
            ImageShape shape = new ImageShape(in.readInt(), in.readInt(), in.readInt());
            FeatureNetConfig config = new FeatureNetConfig(shape, in.readInt(), in.readInt(), in.readInt());
            FeatureNet net = FeatureNet.create(config);
            net.initialize(manager);
            net.classifier().loadParameters(manager, in);
            return net;
        } catch (MalformedModelException e) {
            throw new FeatureExtractionException(
                    "feature net parameters in " + file + " are unreadable: " + e.getMessage(), e);
        }
    }

    public static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    private static String readSidecar(Path file) throws IOException {
        Path sidecar = sidecar(file);
        if (!Files.exists(sidecar)) {
            return null;
        }
        String text = Files.readString(sidecar).trim();
        return text.isEmpty() ? null : text.split("\\s+")[0];
    }
}
