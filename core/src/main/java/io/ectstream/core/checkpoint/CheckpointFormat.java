package io.ectstream.core.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Layout of a checkpoint file (version 1), all in one file:
 * <pre>
 *   "ECTCKPT\n"             8 bytes magic
 *   int32 BE               format version
 *   int32 BE               header length L
 *   header                 L bytes of UTF-8 JSON: {formatVersion, metadata, tensors: [{group, name, shape}]}
 *   tensor data            float32 little-endian, in the order of "tensors"
 *   SHA-256                32 bytes over everything before it (self-check when no expected hash is given)
 *   "ECTCKEND"             8 bytes end magic
 * </pre>
 * Group names in use: "student", "ema", and optimizer state groups such as "optim.m" and "optim.v".
 */
public final class CheckpointFormat {
    public static final int VERSION = 1;
    public static final String GROUP_STUDENT = "student";
    public static final String GROUP_EMA = "ema";
    public static final String FILE_SUFFIX = ".ckpt";

    static final byte[] MAGIC = "ECTCKPT\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "ECTCKEND".getBytes(StandardCharsets.US_ASCII);
    static final int PREAMBLE_BYTES = MAGIC.length + 4 + 4;
    static final int TRAILER_BYTES = 32 + END_MAGIC.length;
    static final int MAX_HEADER_BYTES = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFormat() {}
}
