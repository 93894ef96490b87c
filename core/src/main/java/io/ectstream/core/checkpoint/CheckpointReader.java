package io.ectstream.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.config.NetworkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads and verifies a checkpoint. With an expectation: size, then SHA-256 of the whole file (not hashed again
 * when the expectation says its bytes were checked: {@link CheckpointExpectation#checkBytes}), then the
 * network configuration must match. Without one (resume), the file's own trailing SHA-256 is checked.
 * Every problem is a {@link CheckpointException} naming the file and what is wrong.
 */
public final class CheckpointReader {
    private CheckpointReader() {}

    /**
     * @param expected what the caller was told to load (null: only the file's self-check)
     * @param groups   tensor groups to read into memory (others are skipped); null reads all
     */
    public static LoadedCheckpoint read(Path file, CheckpointExpectation expected, Set<String> groups)
            throws CheckpointException {
        long size = sizeOf(file);
        if (expected != null && expected.sizeBytes() != size) {
            throw new CheckpointException(
                    "checkpoint " + file + " has " + size + " bytes, expected " + expected.sizeBytes());
        }
        String sha = expected != null && expected.bytesChecked() ? expected.sha256() : sha256Hex(file);
        if (expected != null && expected.sha256() != null && !expected.sha256().equalsIgnoreCase(sha)) {
            throw new CheckpointException(
                    "checkpoint " + file + " has SHA-256 " + sha + ", expected " + expected.sha256());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, channel, size);
            if (expected == null || expected.sha256() == null) {
                verifySelfHash(file, channel, size);
            }
            CheckpointMetadata metadata = layout.metadata;
            if (expected != null && expected.step() != null && expected.step() != metadata.step()) {
                throw new CheckpointException("checkpoint " + file + " records step " + metadata.step()
                        + ", expected step " + expected.step());
            }
            if (expected != null && expected.network() != null) {
                NetworkSpec want;
                try {
                    want = NetworkSpec.fromAvro(expected.network());
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException("expected network configuration is invalid: " + e.getMessage(), e);
                }
                if (!want.equals(metadata.network())) {
                    throw new CheckpointException(
                            "checkpoint " + file + " holds network " + metadata.network() + ", expected " + want);
                }
            }
            return new LoadedCheckpoint(metadata, readTensors(file, channel, layout, groups), size, sha);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Only the metadata, after the structural checks (no hash: cheap, for listings). */
    public static CheckpointMetadata readMetadata(Path file) throws CheckpointException {
        long size = sizeOf(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readLayout(file, channel, size).metadata;
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** The names of the file's tensor groups (e.g. student, ema, optim), after the structural checks (no hash). */
    public static Set<String> groups(Path file) throws CheckpointException {
        long size = sizeOf(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Set<String> groups = new LinkedHashSet<>();
            for (Entry entry : readLayout(file, channel, size).entries) {
                groups.add(entry.group);
            }
            return groups;
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of a file. */
    public static String sha256Hex(Path file) throws CheckpointException {
        try {
            return Sha256.hex(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint file not found: " + file, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private record Entry(String group, String name, long[] shape, long offset, long count) {}

    private record Layout(CheckpointMetadata metadata, Entry[] entries) {}

    private static long sizeOf(Path file) throws CheckpointException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint file not found: " + file);
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static Layout readLayout(Path file, FileChannel channel, long size)
            throws IOException, CheckpointException {
        if (size < CheckpointFormat.PREAMBLE_BYTES + CheckpointFormat.TRAILER_BYTES) {
            throw new CheckpointException("checkpoint " + file + " is truncated (" + size + " bytes)");
        }
        ByteBuffer preamble = readAt(channel, 0, CheckpointFormat.PREAMBLE_BYTES);
        byte[] magic = new byte[CheckpointFormat.MAGIC.length];
        preamble.get(magic);
        if (!Arrays.equals(magic, CheckpointFormat.MAGIC)) {
            throw new CheckpointException(file + " is not an ECT Stream checkpoint (bad magic)");
        }
        int version = preamble.getInt();
        if (version != CheckpointFormat.VERSION) {
            throw new CheckpointException("checkpoint " + file + " has unknown format version " + version
                    + " (this build reads version " + CheckpointFormat.VERSION + ")");
        }
        int headerLength = preamble.getInt();
        if (headerLength <= 0
                || headerLength > CheckpointFormat.MAX_HEADER_BYTES
                || CheckpointFormat.PREAMBLE_BYTES + (long) headerLength + CheckpointFormat.TRAILER_BYTES > size) {
            throw new CheckpointException("checkpoint " + file + " is truncated or corrupt (header length "
                    + headerLength + ", file " + size + " bytes)");
        }
        ByteBuffer headerBytes = readAt(channel, CheckpointFormat.PREAMBLE_BYTES, headerLength);
        JsonNode header;
        CheckpointMetadata metadata;
        Entry[] entries;
        long offset = CheckpointFormat.PREAMBLE_BYTES + (long) headerLength;
        try {
            header = CheckpointFormat.JSON.readTree(headerBytes.array());
            JsonNode declared = header.path("formatVersion");
            if (!declared.isInt()) {
                throw new CheckpointException("checkpoint " + file + " has a corrupt header: no formatVersion");
            }
            if (declared.asInt() != CheckpointFormat.VERSION) {
                throw new CheckpointException("checkpoint " + file + " has unknown format version " + declared.asInt()
                        + " in its header (this build reads version " + CheckpointFormat.VERSION + ")");
            }
            metadata = CheckpointMetadata.fromJson(CheckpointFormat.JSON, header.required("metadata"));
            JsonNode tensors = header.required("tensors");
            entries = new Entry[tensors.size()];
            for (int i = 0; i < entries.length; i++) {
                JsonNode t = tensors.get(i);
                JsonNode shapeNode = t.required("shape");
                long[] shape = new long[shapeNode.size()];
                long count = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = shapeNode.get(d).asLong();
                    if (shape[d] < 0) {
                        throw new CheckpointException("checkpoint " + file + " is corrupt: negative dimension");
                    }
                    count = Math.multiplyExact(count, shape[d]);
                }
                entries[i] = new Entry(
                        t.required("group").asText(), t.required("name").asText(), shape, offset, count);
                offset = Math.addExact(offset, Math.multiplyExact(count, 4L));
            }
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            throw new CheckpointException("checkpoint " + file + " has a corrupt header: " + e.getMessage(), e);
        }
        long expectedSize = offset + CheckpointFormat.TRAILER_BYTES;
        if (expectedSize != size) {
            throw new CheckpointException("checkpoint " + file + " is truncated or corrupt: its header describes "
                    + expectedSize + " bytes, the file has " + size);
        }
        ByteBuffer end = readAt(channel, size - CheckpointFormat.END_MAGIC.length, CheckpointFormat.END_MAGIC.length);
        if (!Arrays.equals(end.array(), CheckpointFormat.END_MAGIC)) {
            throw new CheckpointException("checkpoint " + file + " is corrupt: bad end marker");
        }
        return new Layout(metadata, entries);
    }

    private static void verifySelfHash(Path file, FileChannel channel, long size)
            throws IOException, CheckpointException {
        long bodyLength = size - CheckpointFormat.TRAILER_BYTES;
        MessageDigest digest = Sha256.newDigest();
        InputStream in = Channels.newInputStream(channel.position(0));
        byte[] buffer = new byte[1 << 20];
        long remaining = bodyLength;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new CheckpointException("checkpoint " + file + " is truncated");
            }
            digest.update(buffer, 0, n);
            remaining -= n;
        }
        ByteBuffer stored = readAt(channel, bodyLength, 32);
        if (!Arrays.equals(stored.array(), digest.digest())) {
            throw new CheckpointException(
                    "checkpoint " + file + " is corrupt: content does not match its internal SHA-256");
        }
    }

    private static Map<String, Map<String, HostTensor>> readTensors(
            Path file, FileChannel channel, Layout layout, Set<String> groups) throws IOException, CheckpointException {
        Map<String, Map<String, HostTensor>> out = new LinkedHashMap<>();
        for (Entry entry : layout.entries) {
            if (groups != null && !groups.contains(entry.group)) {
                continue;
            }
            if (entry.count > Integer.MAX_VALUE / 4) {
                throw new CheckpointException("checkpoint " + file + ": tensor " + entry.name + " is too large");
            }
            ByteBuffer bytes =
                    readAt(channel, entry.offset, (int) entry.count * 4).order(ByteOrder.LITTLE_ENDIAN);
            float[] data = new float[(int) entry.count];
            bytes.asFloatBuffer().get(data);
            out.computeIfAbsent(entry.group, g -> new LinkedHashMap<>())
                    .put(entry.name, new HostTensor(entry.shape, data));
        }
        if (groups != null) {
            for (String group : groups) {
                if (!out.containsKey(group)) {
                    throw new CheckpointException("checkpoint " + file + " has no tensor group '" + group + "'");
                }
            }
        }
        return out;
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        buffer.flip();
        return buffer;
    }
}
