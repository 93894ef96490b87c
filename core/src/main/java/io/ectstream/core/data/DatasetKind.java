package io.ectstream.core.data;

import java.util.Arrays;
import java.util.Locale;

/** The on-disk formats a dataset can be read from. */
public enum DatasetKind {
    FASHION_MNIST("fashion-mnist"),
    CIFAR10("cifar10"),
    PNG_FOLDER("png-folder");

    private final String id;

    DatasetKind(String id) {
        this.id = id;
    }

    /** The name used in configuration files: fashion-mnist, cifar10, png-folder. */
    public String id() {
        return id;
    }

    public static DatasetKind parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values())
                .filter(kind -> kind.id.equals(wanted) || kind.name().equalsIgnoreCase(text.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown dataset kind '" + text + "' (expected fashion-mnist, cifar10 or png-folder)"));
    }
}
