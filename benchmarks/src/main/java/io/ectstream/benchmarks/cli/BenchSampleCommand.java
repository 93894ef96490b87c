package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.core.sampling.Precision;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-sample}: in-process ECT sampling images/s and peak GPU memory for a ladder of batch sizes,
 * step counts and precisions, one progress line per measurement, optionally a JSON file of all of them.
 */
@Command(
        name = "bench-sample",
        mixinStandardHelpOptions = true,
        description = "Measure in-process sampling images/s and peak GPU memory (batch ladder x steps x precision).")
public class BenchSampleCommand implements Callable<Integer> {

    static final class Weights {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "training configuration (YAML): its network, initialised from its seed")
        Path config;

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "a checkpoint: its network and EMA weights")
        Path checkpoint;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Weights weights;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a configuration key (with --config)")
    List<String> overrides = new ArrayList<>();

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--batches",
            split = ",",
            defaultValue = "1,128,1024",
            paramLabel = "N[,N...]",
            description = "batch sizes, each one generate() call (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(
            names = "--steps",
            split = ",",
            defaultValue = "1",
            paramLabel = "1|2[,...]",
            description = "ECT sampling steps (default: ${DEFAULT-VALUE})")
    List<Integer> steps;

    @Option(
            names = "--precision",
            split = ",",
            defaultValue = "fp32",
            paramLabel = "P[,P...]",
            description = "what the network computes in: " + Precision.CHOICES
                    + " (a list measures each; default: ${DEFAULT-VALUE})")
    List<String> precisions;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "untimed generations per measurement (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--repeats",
            defaultValue = "5",
            description = "timed generations per measurement (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--json", paramLabel = "FILE", description = "also write every measurement to this JSON file")
    Path json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<Precision> parsed = new ArrayList<>();
            for (String p : precisions) {
                parsed.add(Precision.parse(p));
            }
            SamplingBench.Plan plan = new SamplingBench.Plan(batches, steps, parsed, warmup, repeats);
            SamplingBench.Source source;
            String what;
            if (weights.checkpoint != null) {
                source = SamplingBench.checkpoint(weights.checkpoint);
                what = weights.checkpoint.toString();
            } else {
                TrainingConfig config = TrainingConfigLoader.load(weights.config, overrides);
                source = SamplingBench.initialised(config.network(), config.seed());
                what = config.runId() + " (initialised network)";
            }
            List<Device> chosen = Devices.selectAll(device);
            out.println("bench-sample: " + what + " on " + chosen
                    + (chosen.size() > 1 ? " at once (one copy and one thread per device; images/s in total)" : ""));
            out.flush();
            List<SamplingBench.Row> rows = SamplingBench.run(source, chosen, plan, line -> {
                out.println(line);
                out.flush();
            });
            if (json != null) {
                write(json, what, rows);
                out.println("wrote " + json);
            }
            return 0;
        } catch (ConfigException | IllegalArgumentException | CheckpointException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("error: cannot write " + json + ": " + e.getMessage());
            return 1;
        }
    }

    private static void write(Path file, String what, List<SamplingBench.Row> rows) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SamplingBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", r.precision());
            m.put("steps", r.steps());
            m.put("batch", r.batch());
            m.put("repeats", r.repeats());
            m.put("seconds", r.seconds());
            m.put("imagesPerSecond", r.imagesPerSecond());
            m.put("msPerBatch", r.millisPerBatch());
            m.put("peakGpuBytes", r.peakGpuBytes() < 0 ? null : r.peakGpuBytes());
            m.put("device", r.device());
            m.put("devices", r.devices());
            list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("weights", what);
        doc.put("measurements", list);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }
}
