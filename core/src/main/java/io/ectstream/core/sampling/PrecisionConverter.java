package io.ectstream.core.sampling;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli: {@code --precision fp32|fp16}; bf16 and anything else are usage errors with their reason. */
public final class PrecisionConverter implements ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
        try {
            return Precision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
