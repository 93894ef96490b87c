package io.ectstream.core.data;

import java.util.Locale;

/**
 * How an image of another size is brought to the configured resolution.
 * PAD centres it on black (zero) pixels, and centre-crops a side that is larger than the target;
 * Fashion-MNIST 28x28 -> 32x32 gets 2 black pixels on every side. RESIZE scales it bilinearly
 * to exactly the target (aspect ratio not kept).
 */
public enum Fit {
    PAD,
    RESIZE;

    public static Fit parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "pad" -> PAD;
            case "resize" -> RESIZE;
            default -> throw new IllegalArgumentException("unknown fit '" + text + "' (expected pad or resize)");
        };
    }
}
