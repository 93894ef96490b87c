package io.ectstream.evaluator.stream;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
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

    private final AvroCodec<CheckpointEvent> codec = new AvroCodec<>(CheckpointEvent.class);
    private KeyValueStore<String, Long> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(FidTopology.IMAGES_SEEN_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            CheckpointEvent event = codec.decode(record.value());
            store.put(SampleGroup.versionKey(event.getRunId(), event.getStep()), event.getImagesSeen());
        } catch (RecordDecodingException e) {
            log.warn("checkpoint event not readable, its reports will lack imagesSeen: {}", e.getMessage());
        }
    }
}
