package io.ectstream.evaluator.mirror;

import io.ectstream.schemas.GenerationError;

/** What became of one source record: its JSON, or the error record saying why it has none. */
record Mirrored(byte[] json, GenerationError error) {
    static Mirrored json(byte[] json) {
        return new Mirrored(json, null);
    }

    static Mirrored error(GenerationError error) {
        return new Mirrored(null, error);
    }

    boolean ok() {
        return json != null;
    }
}
