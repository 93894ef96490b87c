package io.ectstream.evaluator.stream;

import io.ectstream.schemas.GenerationError;

/** The outcome of one stage for one record: a value, or the error record that replaces it. */
public record Parsed<T>(T value, GenerationError error) {

    public static <T> Parsed<T> ok(T value) {
        return new Parsed<>(value, null);
    }

    public static <T> Parsed<T> failed(GenerationError error) {
        return new Parsed<>(null, error);
    }

    public boolean isError() {
        return error != null;
    }
}
