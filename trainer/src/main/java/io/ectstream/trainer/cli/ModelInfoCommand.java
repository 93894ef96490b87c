package io.ectstream.trainer.cli;

import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code model-info}: the network of a configuration, one row per parameter tensor, and the total count. */
@Command(
        name = "model-info",
        mixinStandardHelpOptions = true,
        description = "Print the parameter count and the layer table of the configured network.")
public class ModelInfoCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "training configuration (YAML)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a configuration key")
    List<String> overrides = new ArrayList<>();

    private PrintStream out = System.out;

    public ModelInfoCommand() {}

    void setOut(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        NetworkSpec spec;
        try {
            spec = TrainingConfigLoader.load(config, overrides).network();
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        SongUNet net = new SongUNet(spec);
        out.println("network: " + spec);
        out.printf(Locale.ROOT, "%-48s %-20s %12s%n", "parameter", "shape", "count");
        for (SongUNet.LayerRow row : net.layerTable()) {
            out.printf(Locale.ROOT, "%-48s %-20s %,12d%n", row.name(), row.shape(), row.count());
        }
        out.printf(Locale.ROOT, "total parameters: %,d%n", net.parameterCount());
        return 0;
    }
}
