package io.ectstream.core.checkpoint;

import io.ectstream.core.sampling.ImageGenerator;
import java.nio.file.Path;

/** Loads a checkpoint's EMA weights for sampling, after checking size, SHA-256 and configuration. */
public interface ModelLoader {
    ImageGenerator load(Path checkpointFile, CheckpointExpectation expected) throws CheckpointException;

    /** The tensor group it loads: {@link CheckpointFormat#GROUP_EMA} unless built for another. */
    default String weights() {
        return CheckpointFormat.GROUP_EMA;
    }
}
