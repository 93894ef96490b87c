package io.ectstream.schemas.serde;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrainingProgress;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** One Kafka (and Kafka Streams) serde per contract. */
public final class AvroSerdes {
    private AvroSerdes() {}

    public static <T extends SpecificRecord> Serde<T> forType(Class<T> type) {
        AvroCodec<T> codec = new AvroCodec<>(type);
        return Serdes.serdeFrom(new AvroSerializer<>(codec), new AvroDeserializer<>(codec));
    }

    public static Serde<CheckpointEvent> checkpointEvent() {
        return forType(CheckpointEvent.class);
    }

    public static Serde<TrainingProgress> trainingProgress() {
        return forType(TrainingProgress.class);
    }

    public static Serde<GenerationRequest> generationRequest() {
        return forType(GenerationRequest.class);
    }

    public static Serde<GenerationResult> generationResult() {
        return forType(GenerationResult.class);
    }

    public static Serde<GenerationError> generationError() {
        return forType(GenerationError.class);
    }

    public static Serde<FidReport> fidReport() {
        return forType(FidReport.class);
    }
}
