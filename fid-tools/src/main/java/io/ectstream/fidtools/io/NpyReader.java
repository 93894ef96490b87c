package io.ectstream.fidtools.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy .npy files (format versions 1-3) holding a C-ordered 2-D float32 or float64 array,
 * such as the [n, d] feature files pytorch-fid writes. Anything else is refused with the reason.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {}

    public static NpyArray read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static NpyArray parse(byte[] bytes, String name) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) {
            throw new NpyFormatException(name + ": too short for a .npy file");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new NpyFormatException(name + ": not a .npy file (bad magic)");
            }
        }
        int major = bytes[6];
        buf.position(8);
        long headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : Integer.toUnsignedLong(buf.getInt());
        if (major < 1 || major > 3) {
            throw new NpyFormatException(name + ": unsupported .npy version " + major);
        }
        int dataStart = buf.position() + (int) headerLength;
        if (dataStart > bytes.length) {
            throw new NpyFormatException(name + ": header runs past the end of the file");
        }
        String header = new String(
                bytes,
                buf.position(),
                (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new NpyFormatException(name + ": malformed header " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new NpyFormatException(name + ": Fortran-ordered arrays are not supported (save with C order)");
        }
        String kind = descr.group(2);
        int width = Integer.parseInt(descr.group(3));
        if (!kind.equals("f") || (width != 4 && width != 8)) {
            throw new NpyFormatException(name + ": dtype " + descr.group() + " is not float32 or float64");
        }
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String[] dims = shape.group(1).split(",");
        long[] shapeValues = java.util.Arrays.stream(dims)
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        if (shapeValues.length != 2) {
            throw new NpyFormatException(name + ": expected a 2-D array [n, d], got shape (" + shape.group(1) + ")");
        }
        long count = shapeValues[0] * shapeValues[1];
        if (count > Integer.MAX_VALUE || dataStart + count * width > bytes.length) {
            throw new NpyFormatException(name + ": the file is shorter than its shape (" + shape.group(1) + ") says");
        }
        ByteBuffer data =
                ByteBuffer.wrap(bytes, dataStart, (int) (count * width)).order(order);
        double[] values = new double[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 4 ? data.getFloat() : data.getDouble();
        }
        return new NpyArray((int) shapeValues[0], (int) shapeValues[1], values);
    }
}
