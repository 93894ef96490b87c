package io.ectstream.evaluator.driver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The driver group's secret: request-id nonces are HMAC-SHA256(key, "run@step"), so nobody without the key can
 * guess them, and a driver that restarts after sending a checkpoint's requests but before committing the
 * checkpoint sends them again under the same ids (which the evaluator then counts once). The key lives in the
 * metadata of the group's committed checkpoint offsets: every commit carries it, and the first assignment of a
 * new group commits it before any request is sent.
 */
public record EvaluationKey(String hex) {
    private static final String METADATA_PREFIX = "ectstream-evaluation-key:";

    public static EvaluationKey random() {
        return new EvaluationKey(EvaluationRequests.newNonce());
    }

    /** The key in the committed offsets of the group, if one of them carries it. */
    public static Optional<EvaluationKey> fromCommitted(Map<?, OffsetAndMetadata> committed) {
        return committed.values().stream()
                .filter(o -> o != null && o.metadata() != null && o.metadata().startsWith(METADATA_PREFIX))
                .map(o -> new EvaluationKey(o.metadata().substring(METADATA_PREFIX.length())))
                .findFirst();
    }

    public OffsetAndMetadata at(long offset) {
        return new OffsetAndMetadata(offset, METADATA_PREFIX + hex);
    }

    /** The nonce of one checkpoint's evaluation: 128 bits of HMAC-SHA256(key, "run@step") in hex. */
    public String nonce(String runId, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(hex), "HmacSHA256"));
            byte[] digest = mac.doFinal((runId + "@" + step).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
