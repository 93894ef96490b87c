package io.ectstream.core.data;

/**
 * Images as a file format stores them, before fitting: {@code count} images of one shape, uint8 CHW,
 * back to back in {@code pixels}; {@code labels} is null when the format has none.
 */
record DecodedImages(int count, int channels, int height, int width, byte[] pixels, int[] labels) {

    int imageBytes() {
        return channels * height * width;
    }
}
