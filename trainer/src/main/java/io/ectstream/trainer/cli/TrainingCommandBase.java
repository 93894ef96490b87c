package io.ectstream.trainer.cli;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.data.DatasetFormatException;
import io.ectstream.core.data.Datasets;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.device.Devices;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.loop.TrainingLoop;
import io.ectstream.trainer.publish.TrainingEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/** Shared body of {@code train} and {@code pipeline}: load, open the data, run the loop, map errors to exit codes. */
abstract class TrainingCommandBase implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCommandBase.class);

    @Mixin
    RunOptions options = new RunOptions();

    private TrainingEvents events = TrainingEvents.NONE;

    /** Where checkpoints and progress are announced (the launcher wires the Kafka publisher in). */
    public void setEvents(TrainingEvents events) {
        this.events = events == null ? TrainingEvents.NONE : events;
    }

    abstract RunPlan plan(TrainingConfig config);

    Path initCheckpoint() {
        return null;
    }

    @Override
    public Integer call() {
        try {
            options.applyThreads();
            TrainingConfig config = options.load();
            RunPlan plan = plan(config);
            Device device = Devices.select(options.device);
            ImageDataset dataset = Datasets.open(config.data().toSpec(config.network()));
            TrainingLoop loop = new TrainingLoop(config, plan, dataset, options.storeRoot(), device, events,
                initCheckpoint());
            TrainingLoop.Result result = loop.run();
            LOG.info("run {} complete: {} steps, {} kimg, last checkpoint {}", config.runId(), result.step(),
                result.imagesSeen() / 1000.0, result.lastCheckpoint());
            return 0;
        } catch (ConfigException | IllegalArgumentException | DatasetFormatException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (CheckpointException | IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
