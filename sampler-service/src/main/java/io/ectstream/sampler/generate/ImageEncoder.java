package io.ectstream.sampler.generate;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.ImageFormat;
import java.nio.ByteBuffer;

/** uint8 CHW pixels to the bytes a result carries: a PNG file or the raw pixels. */
final class ImageEncoder {
    private ImageEncoder() {}

    static ByteBuffer encode(byte[] chw, ImageShape shape, ImageFormat format) {
        return ByteBuffer.wrap(format == ImageFormat.RAW_UINT8 ? chw : ImageCodec.toPng(chw, shape));
    }
}
