package io.ectstream.core.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint atomically: a temp file in the target folder, fsync, rename over the target, fsync
 * of the folder. The SHA-256 and size are those of the bytes written, which are the final file.
 */
public final class CheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    private CheckpointWriter() {}

    /**
     * @param groups group name -> (tensor name -> array), e.g. "student", "ema", "optim.m", "optim.v";
     *               iteration order is kept (use LinkedHashMap), arrays are read to the host one by one
     */
    public static WrittenCheckpoint write(
            Path file, CheckpointMetadata metadata, Map<String, Map<String, NDArray>> groups) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        ObjectNode header = CheckpointFormat.JSON.createObjectNode();
        header.put("formatVersion", CheckpointFormat.VERSION);
        header.set("metadata", metadata.toJson(CheckpointFormat.JSON));
        ArrayNode index = header.putArray("tensors");
        groups.forEach((group, tensors) -> tensors.forEach((name, array) -> {
            ObjectNode entry = index.addObject();
            entry.put("group", group);
            entry.put("name", name);
            ArrayNode shape = entry.putArray("shape");
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
        }));
        byte[] headerBytes = CheckpointFormat.JSON.writeValueAsBytes(header);

        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        MessageDigest fileDigest = Sha256.newDigest();
        MessageDigest bodyDigest = Sha256.newDigest();
        long size;
        try {
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                    DigestOutputStream hashed =
                            new DigestOutputStream(new BufferedOutputStream(fos, 1 << 20), fileDigest)) {
                DataOutputStream body = new DataOutputStream(new DigestOutputStream(nonClosing(hashed), bodyDigest));
                body.write(CheckpointFormat.MAGIC);
                body.writeInt(CheckpointFormat.VERSION);
                body.writeInt(headerBytes.length);
                body.write(headerBytes);
                for (Map<String, NDArray> tensors : groups.values()) {
                    for (NDArray array : tensors.values()) {
                        writeFloats(body, array.toFloatArray());
                    }
                }
                body.flush();
                hashed.write(bodyDigest.digest());
                hashed.write(CheckpointFormat.END_MAGIC);
                hashed.flush();
                fos.getChannel().force(true);
                size = fos.getChannel().size();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
        String sha = HexFormat.of().formatHex(fileDigest.digest());
        LOG.info("checkpoint written: {} ({} bytes, sha256 {})", file, size, sha);
        return new WrittenCheckpoint(file, size, sha);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer =
                ByteBuffer.allocate(Math.min(values.length, 1 << 18) * 4).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < values.length) {
            buffer.clear();
            while (i < values.length && buffer.remaining() >= 4) {
                buffer.putFloat(values[i++]);
            }
            out.write(buffer.array(), 0, buffer.position());
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("could not fsync directory {}: {}", dir, e.getMessage());
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
