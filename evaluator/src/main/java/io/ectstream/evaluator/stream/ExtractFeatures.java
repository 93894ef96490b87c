package io.ectstream.evaluator.stream;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a result's images (PNG or raw uint8 CHW) and extracts their features in batches. A record
 * with any image that does not decode to the declared shape, or that the extractor refuses, is
 * rejected as a whole: its samples are not counted, and it goes to the error topic.
 */
final class ExtractFeatures implements FixedKeyProcessor<String, GenerationResult, Parsed<FeatureBatch>> {
    private static final Logger log = LoggerFactory.getLogger(ExtractFeatures.class);

    private final FeatureExtractor extractor;
    private final int batchSize;
    private final EvaluatorCounters counters;
    private final Clock clock;
    private final AvroCodec<GenerationResult> codec = new AvroCodec<>(GenerationResult.class);
    private FixedKeyProcessorContext<String, Parsed<FeatureBatch>> context;

    ExtractFeatures(FeatureExtractor extractor, int batchSize, EvaluatorCounters counters, Clock clock) {
        this.extractor = extractor;
        this.batchSize = batchSize;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed<FeatureBatch>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, GenerationResult> record) {
        GenerationResult result = record.value();
        try {
            ImageBatch images = decode(result);
            float[][] features = new float[images.count()][];
            for (int start = 0; start < images.count(); start += batchSize) {
                int end = Math.min(images.count(), start + batchSize);
                float[][] part = extractor.extract(images.slice(start, end));
                System.arraycopy(part, 0, features, start, end - start);
            }
            context.forward(record.withValue(Parsed.ok(new FeatureBatch(SampleGroup.of(result), features))));
        } catch (RuntimeException e) { // bad images must never stop the application
            counters.countUnusable();
            String reason =
                    "request " + result.getRequestId() + " chunk " + result.getChunkIndex() + ": " + e.getMessage();
            log.warn("unusable images: {}", reason);
            context.forward(record.withValue(Parsed.failed(ErrorRecords.undecodable(
                    result.getRequestId(), reason, context.recordMetadata(), codec.encode(result), clock))));
        }
    }

    static ImageBatch decode(GenerationResult result) {
        if (result.getImages().isEmpty()) {
            throw new IllegalArgumentException("the result holds no images");
        }
        ImageShape shape = new ImageShape(result.getChannels(), result.getHeight(), result.getWidth());
        List<byte[]> images = new ArrayList<>(result.getImages().size());
        for (int i = 0; i < result.getImages().size(); i++) {
            byte[] bytes = bytes(result.getImages().get(i));
            byte[] chw =
                    result.getImageFormat() == ImageFormat.PNG ? ImageCodec.fromPng(bytes, shape.channels()) : bytes;
            if (chw.length != shape.pixels()) {
                throw new IllegalArgumentException(
                        "image " + i + " has " + chw.length + " pixel values, the record says " + shape.channels() + "x"
                                + shape.height() + "x" + shape.width());
            }
            images.add(chw);
        }
        return ImageBatch.of(shape, images);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
