package io.ectstream.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ectstream.core.checkpoint.HostTensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors), float32 tensors only:
 * <pre>
 *   uint64 LE   header length N
 *   N bytes     UTF-8 JSON: {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [..],
 *               "data_offsets": [begin, end]}, ...}, padded with spaces to a multiple of 8 bytes
 *   data        the tensors' bytes, little-endian, row-major, offsets relative to the end of the header
 * </pre>
 * Hand-written: no safetensors library is on Maven Central, and DJL's {@code NDList} SAFETENSORS encoding
 * writes no {@code __metadata__} and orders the header by hash.
 */
public final class Safetensors {
    public static final String METADATA_KEY = "__metadata__";
    public static final String DTYPE_F32 = "F32";
    static final int MAX_HEADER_BYTES = 100 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a file holds: its {@code __metadata__} (empty when absent) and its tensors in header order. */
    public record Contents(Map<String, String> metadata, Map<String, HostTensor> tensors) {}

    private Safetensors() {}

    /** Writes atomically (temp file in the target folder, then a rename), tensors in the map's order. */
    public static void write(Path file, Map<String, String> metadata, Map<String, HostTensor> tensors)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            HostTensor tensor = entry.getValue();
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", DTYPE_F32);
            ArrayNode shape = info.putArray("shape");
            Arrays.stream(tensor.shape()).forEach(shape::add);
            long end = offset + 4L * tensor.data().length;
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                out.write(ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(padded)
                        .array());
                out.write(headerBytes);
                for (HostTensor tensor : tensors.values()) {
                    writeFloats(out, tensor.data());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Reads every tensor; each must be F32 and lie inside the data section without overlapping another. */
    public static Contents read(Path file) throws SafetensorsException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file + " is not a safetensors file: " + size + " bytes");
            }
            long headerLength = readAt(channel, 0, 8).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new SafetensorsException(file + " is not a safetensors file: header length " + headerLength
                        + " in a file of " + size + " bytes");
            }
            JsonNode header = parseHeader(file, readAt(channel, 8, (int) headerLength));
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals(METADATA_KEY)) {
                    field.getValue()
                            .fields()
                            .forEachRemaining(
                                    m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(
                        field.getKey(),
                        readTensor(file, channel, field.getKey(), field.getValue(), dataStart, dataLength, ranges));
            }
            requireContiguous(file, ranges, dataLength);
            return new Contents(metadata, tensors);
        } catch (IOException e) {
            throw new SafetensorsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parseHeader(Path file, ByteBuffer bytes) throws SafetensorsException {
        try {
            JsonNode header = JSON.readTree(StandardCharsets.UTF_8.decode(bytes).toString());
            if (header == null || !header.isObject()) {
                throw new SafetensorsException(file + ": the safetensors header is not a JSON object");
            }
            return header;
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(
                    file + ": the safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static HostTensor readTensor(
            Path file,
            FileChannel channel,
            String name,
            JsonNode info,
            long dataStart,
            long dataLength,
            List<long[]> ranges)
            throws SafetensorsException, IOException {
        String dtype = info.path("dtype").asText("");
        if (!dtype.equals(DTYPE_F32)) {
            throw new SafetensorsException(file + ": tensor " + name + " has dtype '" + dtype
                    + "'; only F32 is supported (save with tensor.float())");
        }
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new SafetensorsException(file + ": tensor " + name + " lacks a shape or its two data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new SafetensorsException(file + ": tensor " + name + " has an invalid shape " + shapeNode);
            }
            count = Math.multiplyExact(count, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLength || end - begin != 4 * count) {
            throw new SafetensorsException(file + ": tensor " + name + " of shape " + shapeNode + " has data_offsets "
                    + offsets + " (data section: " + dataLength + " bytes)");
        }
        if (count > Integer.MAX_VALUE) {
            throw new SafetensorsException(file + ": tensor " + name + " is too large (" + count + " values)");
        }
        ranges.add(new long[] {begin, end});
        float[] data = new float[(int) count];
        readAt(channel, dataStart + begin, (int) (end - begin)).asFloatBuffer().get(data);
        return new HostTensor(shape, data);
    }

    /** The tensors must tile the data section: no gap, no overlap, nothing after the last one. */
    private static void requireContiguous(Path file, List<long[]> ranges, long dataLength) throws SafetensorsException {
        ranges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
        long expected = 0;
        for (long[] range : ranges) {
            if (range[0] != expected) {
                throw new SafetensorsException(file + ": tensor data overlaps or leaves a gap at byte " + expected);
            }
            expected = range[1];
        }
        if (expected != dataLength) {
            throw new SafetensorsException(
                    file + ": the tensors cover " + expected + " of the " + dataLength + " data bytes");
        }
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
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
}
