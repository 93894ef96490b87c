package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.fid.Moments;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Moments as bytes: format version (int), d (int), n (long), d sums, d(d+1)/2 outer-product sums (doubles). */
public final class MomentsSerde implements Serde<Moments> {
    private static final int FORMAT = 1;

    public static byte[] toBytes(Moments m) {
        int d = m.dimension();
        ByteBuffer buffer = ByteBuffer.allocate(16 + 8 * (d + m.outerSums().length));
        buffer.putInt(FORMAT).putInt(d).putLong(m.count());
        buffer.asDoubleBuffer().put(m.sums()).put(m.outerSums());
        return buffer.array();
    }

    public static Moments fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < 16 || buffer.getInt() != FORMAT) {
            throw new SerializationException("not a moments record of format " + FORMAT);
        }
        int d = buffer.getInt();
        long n = buffer.getLong();
        if (d < 1 || bytes.length != 16 + 8L * (d + Moments.packedSize(d))) {
            throw new SerializationException(
                    "moments record of dimension " + d + " has the wrong length " + bytes.length);
        }
        double[] sums = new double[d];
        double[] outer = new double[Moments.packedSize(d)];
        buffer.asDoubleBuffer().get(sums).get(outer);
        return new Moments(d, n, sums, outer);
    }

    @Override
    public Serializer<Moments> serializer() {
        return (topic, m) -> m == null ? null : toBytes(m);
    }

    @Override
    public Deserializer<Moments> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    }
}
