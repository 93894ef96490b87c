package io.ectstream.evaluator.reference;

import io.ectstream.evaluator.features.FileHashes;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * Feature statistics of the real images (mean, unbiased covariance, n) with the extractor that made
 * them. The file format: magic {@code ECTREF01}, extractor id and source (UTF), n (long), d (int),
 * d means and the covariance's upper triangle row by row (doubles, big-endian). The id is
 * {@code ref:<first 16 hex of the SHA-256 of those bytes>}: the same statistics always have the same id.
 */
public record ReferenceStatistics(String extractorId, String source, GaussianStatistics statistics) {
    private static final byte[] MAGIC = "ECTREF01".getBytes(StandardCharsets.US_ASCII);

    public static ReferenceStatistics of(String extractorId, String source, Moments moments) {
        return new ReferenceStatistics(extractorId, source, GaussianStatistics.of(moments));
    }

    public String id() {
        return "ref:" + FileHashes.sha256(toBytes()).substring(0, 16);
    }

    public int dimension() {
        return statistics.dimension();
    }

    public byte[] toBytes() {
        int d = dimension();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * (d + Moments.packedSize(d)));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeUTF(extractorId);
            out.writeUTF(source);
            out.writeLong(statistics.count());
            out.writeInt(d);
            ByteBuffer values = ByteBuffer.allocate(8 * (d + Moments.packedSize(d)));
            for (double m : statistics.mean()) {
                values.putDouble(m);
            }
            DMatrixRMaj s = statistics.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    values.putDouble(s.unsafe_get(i, j));
                }
            }
            out.write(values.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ReferenceStatistics fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a reference statistics file (bad magic)");
            }
            String extractorId = readUtf(in);
            String source = readUtf(in);
            long n = in.getLong();
            int d = in.getInt();
            if (d < 1 || in.remaining() != 8L * (d + Moments.packedSize(d))) {
                throw new IllegalArgumentException("reference statistics of dimension " + d + " need "
                        + 8L * (d + Moments.packedSize(d)) + " bytes of values, the file has " + in.remaining());
            }
            double[] mean = new double[d];
            for (int i = 0; i < d; i++) {
                mean[i] = in.getDouble();
            }
            DMatrixRMaj s = new DMatrixRMaj(d, d);
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double v = in.getDouble();
                    s.unsafe_set(i, j, v);
                    s.unsafe_set(j, i, v);
                }
            }
            return new ReferenceStatistics(extractorId, source, new GaussianStatistics(mean, s, n));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("reference statistics file is truncated", e);
        }
    }

    private static String readUtf(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        byte[] utf = new byte[length];
        in.get(utf);
        return new String(utf, StandardCharsets.UTF_8);
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Files.write(tmp, toBytes());
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static ReferenceStatistics read(Path file) throws IOException {
        try {
            return fromBytes(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
