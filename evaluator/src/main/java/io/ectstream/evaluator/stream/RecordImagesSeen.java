package io.ectstream.evaluator.stream;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the global store {@code runId@step -> imagesSeen} from the checkpoints topic, so that reports can say
 * how far the scored checkpoint had trained. Since Kafka 3.8 a restore replays records through this processor.
 */
final class RecordImagesSeen implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(RecordImagesSeen.class);

    private final Deserializer<CheckpointEvent> codec;
    private KeyValueStore<String, Long> store;
    private ProcessorContext<Void, Void> context;

    RecordImagesSeen(RecordFormat records) {
        this.codec = records.serde(CheckpointEvent.class).deserializer();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(FidTopology.IMAGES_SEEN_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            CheckpointEvent event = codec.deserialize(
                    context.recordMetadata().map(m -> m.topic()).orElse(null), record.value());
            store.put(SampleGroup.versionKey(event.getRunId(), event.getStep()), event.getImagesSeen());
        } catch (RecordDecodingException e) {
            log.warn("checkpoint event not readable, its reports will lack imagesSeen: {}", e.getMessage());
        }
    }
}
