package io.ectstream.evaluator.reference;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.fid.Moments;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Features of every image of a dataset, in batches, reduced to reference statistics. */
public final class ReferenceStatsBuilder {
    private static final Logger log = LoggerFactory.getLogger(ReferenceStatsBuilder.class);

    private ReferenceStatsBuilder() {}

    public static ReferenceStatistics compute(ImageDataset dataset, FeatureExtractor extractor, int batchSize) {
        return ReferenceStatistics.of(extractor.id(), dataset.name(), moments(dataset, extractor, batchSize));
    }

    public static Moments moments(ImageDataset dataset, FeatureExtractor extractor, int batchSize) {
        Moments moments = new Moments(extractor.dimension());
        for (int start = 0; start < dataset.size(); start += batchSize) {
            int end = Math.min(dataset.size(), start + batchSize);
            List<byte[]> images = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                images.add(dataset.image(i));
            }
            moments.addAll(extractor.extract(ImageBatch.of(dataset.shape(), images)));
        }
        log.info(
                "features of {} images of {} with {} reduced to moments (d = {})",
                moments.count(),
                dataset.name(),
                extractor.id(),
                moments.dimension());
        return moments;
    }
}
