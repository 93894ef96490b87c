package io.ectstream.core.data;

import io.ectstream.core.sampling.ImageShape;

/** Brings one uint8 CHW image to a target shape: channel conversion, then pad/crop or bilinear resize. */
final class ImageFitter {
    private ImageFitter() {}

    /**
     * Writes the fitted image into {@code dst} at {@code dstOffset}.
     * @param src source pixels, {@code channels x height x width} starting at {@code srcOffset}
     */
    static void fit(
            byte[] src,
            int srcOffset,
            int channels,
            int height,
            int width,
            ImageShape target,
            Fit fit,
            byte[] dst,
            int dstOffset) {
        byte[] converted = convertChannels(src, srcOffset, channels, height * width, target.channels());
        int planeIn = height * width;
        int planeOut = target.height() * target.width();
        for (int c = 0; c < target.channels(); c++) {
            if (fit == Fit.PAD) {
                padOrCrop(
                        converted,
                        c * planeIn,
                        height,
                        width,
                        dst,
                        dstOffset + c * planeOut,
                        target.height(),
                        target.width());
            } else {
                resizeBilinear(
                        converted,
                        c * planeIn,
                        height,
                        width,
                        dst,
                        dstOffset + c * planeOut,
                        target.height(),
                        target.width());
            }
        }
    }

    private static byte[] convertChannels(byte[] src, int offset, int channels, int plane, int targetChannels) {
        byte[] out = new byte[targetChannels * plane];
        if (channels == targetChannels) {
            System.arraycopy(src, offset, out, 0, out.length);
        } else if (channels == 1 && targetChannels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(src, offset, out, c * plane, plane);
            }
        } else if (channels == 3 && targetChannels == 1) {
            for (int i = 0; i < plane; i++) {
                double luma = 0.299 * (src[offset + i] & 0xFF)
                        + 0.587 * (src[offset + plane + i] & 0xFF)
                        + 0.114 * (src[offset + 2 * plane + i] & 0xFF);
                out[i] = (byte) Math.min(255, Math.round(luma));
            }
        } else {
            throw new IllegalArgumentException("cannot convert " + channels + " channels to " + targetChannels);
        }
        return out;
    }

    /** Centres the plane in the target on black; a larger side is centre-cropped. */
    private static void padOrCrop(byte[] src, int srcOffset, int h, int w, byte[] dst, int dstOffset, int th, int tw) {
        int top = (th - h) / 2;
        int left = (tw - w) / 2;
        for (int y = 0; y < th; y++) {
            int sy = y - top;
            for (int x = 0; x < tw; x++) {
                int sx = x - left;
                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                dst[dstOffset + y * tw + x] = inside ? src[srcOffset + sy * w + sx] : 0;
            }
        }
    }

    /** Bilinear with half-pixel centres (the convention of PIL and torch's align_corners=False). */
    private static void resizeBilinear(
            byte[] src, int srcOffset, int h, int w, byte[] dst, int dstOffset, int th, int tw) {
        double scaleY = (double) h / th;
        double scaleX = (double) w / tw;
        for (int y = 0; y < th; y++) {
            double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * scaleY - 0.5));
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < tw; x++) {
                double fx = Math.max(0, Math.min(w - 1, (x + 0.5) * scaleX - 0.5));
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                double top =
                        (1 - wx) * (src[srcOffset + y0 * w + x0] & 0xFF) + wx * (src[srcOffset + y0 * w + x1] & 0xFF);
                double bottom =
                        (1 - wx) * (src[srcOffset + y1 * w + x0] & 0xFF) + wx * (src[srcOffset + y1 * w + x1] & 0xFF);
                dst[dstOffset + y * tw + x] = (byte) Math.round((1 - wy) * top + wy * bottom);
            }
        }
    }
}
