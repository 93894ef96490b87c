package io.ectstream.core.data;

import java.util.Locale;

/** Which part of a dataset: the training images or the held-out test images. */
public enum Split {
    TRAIN,
    TEST;

    public static Split parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException("unknown split '" + text + "' (expected train or test)");
        };
    }
}
