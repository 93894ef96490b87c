package io.ectstream.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, HostTensor> tensors() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("model.enc.conv.weight", new HostTensor(new long[] {2, 1, 1, 3}, new float[] {
            1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, -3.25e-7f, 42f
        }));
        tensors.put("model.enc.conv.bias", new HostTensor(new long[] {2}, new float[] {0.1f, -0.2f}));
        tensors.put("scalar", new HostTensor(new long[] {}, new float[] {7f}));
        return tensors;
    }

    @Test
    void writesTheDocumentedLayoutAndReadsItBackBitForBit() throws Exception {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("format", "pt"), tensors());

        byte[] bytes = Files.readAllBytes(file);
        long headerLength =
                ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLength + 4 * (6 + 2 + 1), bytes.length);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(
                header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"model.enc.conv.weight\":{\"dtype\":\"F32\","
                        + "\"shape\":[2,1,1,3],\"data_offsets\":[0,24]}"),
                header);
        // the first tensor's first value, little-endian, right after the header
        assertEquals(
                1.5f,
                ByteBuffer.wrap(bytes, 8 + (int) headerLength, 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getFloat());

        Safetensors.Contents read = Safetensors.read(file);
        assertEquals(Map.of("format", "pt"), read.metadata());
        assertEquals(List.copyOf(tensors().keySet()), List.copyOf(read.tensors().keySet()));
        tensors().forEach((name, tensor) -> {
            assertArrayEquals(tensor.shape(), read.tensors().get(name).shape(), name);
            assertArrayEquals(tensor.data(), read.tensors().get(name).data(), name);
        });
    }

    /** DJL's own safetensors decoder (an independent reader) sees the same tensors. */
    @Test
    void djlDecodesTheFile() throws Exception {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("format", "pt"), tensors());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList decoded = NDList.decode(manager, Files.readAllBytes(file));
            assertEquals(3, decoded.size());
            for (NDArray array : decoded) {
                HostTensor expected = tensors().get(array.getName());
                assertArrayEquals(expected.shape(), array.getShape().getShape(), array.getName());
                assertArrayEquals(expected.data(), array.toFloatArray(), array.getName());
            }
        }
    }

    @Test
    void rejectsFilesThatDoNotDescribeTheirBytes() throws Exception {
        assertRejected(new byte[] {1, 2, 3}, "not a safetensors file");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, 1_000), "header");
        assertRejected(file("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "only F32");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "data_offsets");
        assertRejected(
                file(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12),
                "overlaps");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "cover 4 of");
        assertRejected(file("[1, 2]", 0), "not a JSON object");
        assertRejected(file("{\"a\":", 0), "not valid JSON");
    }

    private void assertRejected(byte[] bytes, String message) throws Exception {
        Path file = dir.resolve("bad-" + Arrays.hashCode(bytes) + ".safetensors");
        Files.write(file, bytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /** A file with this header and {@code dataBytes} zero bytes of data; {@code declared} overrides the length. */
    private static byte[] file(String header, int dataBytes, long... declared) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(declared.length > 0 ? declared[0] : json.length).put(json);
        return buffer.array();
    }
}
