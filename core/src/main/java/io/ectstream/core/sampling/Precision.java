package io.ectstream.core.sampling;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The type a sampling network computes in. FP32 is exact to the trained weights; FP16 casts the weights
 * once and runs the network in half precision (a GPU's tensor cores), while the preconditioning and the
 * images' float-to-uint8 step stay in float32. bfloat16 is refused with its reason: DJL 0.36's PyTorch
 * binding has no bfloat16 type (its native dtype table stops at float16 and aborts the JVM on any other).
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    /** For picocli descriptions. */
    public static final String CHOICES = "fp32 or fp16 (bf16 is not available through DJL 0.36)";

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "fp32" or "fp16" (any case); "bf16" fails with the reason. */
    public static Precision parse(String text) {
        if (text != null && text.trim().equalsIgnoreCase("bf16")) {
            throw new IllegalArgumentException("precision bf16 is not available: DJL 0.36's PyTorch binding cannot"
                    + " create bfloat16 tensors; fp16 runs on the same tensor cores");
        }
        if (text != null) {
            for (Precision p : values()) {
                if (p.label().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("precision must be " + CHOICES + ", not '" + text + "'");
    }
}
