package io.ectstream.launcher;

import io.ectstream.benchmarks.cli.BenchSampleCommand;
import io.ectstream.benchmarks.cli.BenchSamplerCommand;
import io.ectstream.benchmarks.cli.BenchTrainCommand;
import io.ectstream.benchmarks.cli.GpuSelfTestCommand;
import io.ectstream.core.device.DeviceUnavailableException;
import io.ectstream.evaluator.cli.EvaluateCommand;
import io.ectstream.evaluator.cli.EvaluationDriverCommand;
import io.ectstream.evaluator.cli.FidHistoryCommand;
import io.ectstream.evaluator.cli.MirrorJsonCommand;
import io.ectstream.fidtools.cli.FidCommand;
import io.ectstream.fidtools.cli.FidPlotCommand;
import io.ectstream.fidtools.cli.ReferenceStatsCommand;
import io.ectstream.fidtools.cli.ScoreCommand;
import io.ectstream.fidtools.cli.TrainFeatureNetCommand;
import io.ectstream.launcher.demo.DemoCommand;
import io.ectstream.platform.cli.EnvironmentDefaults;
import io.ectstream.platform.cli.TopicsCommand;
import io.ectstream.platform.kafka.KafkaUnreachableException;
import io.ectstream.sampler.cli.GenerateCommand;
import io.ectstream.sampler.cli.ServeCommand;
import io.ectstream.trainer.cli.DenoiseCommand;
import io.ectstream.trainer.cli.ExportWeightsCommand;
import io.ectstream.trainer.cli.ImportWeightsCommand;
import io.ectstream.trainer.cli.ModelInfoCommand;
import io.ectstream.trainer.cli.PipelineCommand;
import io.ectstream.trainer.cli.RepublishCommand;
import io.ectstream.trainer.cli.TrainCommand;
import java.util.Map;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code ectstream} command: one entry point for every service and tool of the platform. */
@Command(
        name = "ectstream",
        mixinStandardHelpOptions = true,
        version = "ectstream 0.1.0",
        description =
                "Train consistency models with ECT, serve 1-2 step generation over Kafka, evaluate with a rolling FID.",
        subcommands = {
            DemoCommand.class,
            PipelineCommand.class,
            TrainCommand.class,
            ModelInfoCommand.class,
            ExportWeightsCommand.class,
            ImportWeightsCommand.class,
            DenoiseCommand.class,
            RepublishCommand.class,
            ServeCommand.class,
            GenerateCommand.class,
            EvaluateCommand.class,
            EvaluationDriverCommand.class,
            FidHistoryCommand.class,
            FidCommand.class,
            ScoreCommand.class,
            FidPlotCommand.class,
            ReferenceStatsCommand.class,
            TrainFeatureNetCommand.class,
            TopicsCommand.class,
            MirrorJsonCommand.class,
            BrokerCommand.class,
            BenchTrainCommand.class,
            BenchSampleCommand.class,
            GpuSelfTestCommand.class,
            BenchSamplerCommand.class,
            DoctorCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class EctStream implements Runnable {
    /** Exit status of a command that was asked for a device this machine cannot give (see `ectstream doctor`). */
    public static final int DEVICE_UNAVAILABLE = 3;

    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            scope = ScopeType.INHERIT,
            defaultValue = "text",
            description =
                    "Log lines on stderr: text (one line per event) or json (one JSON object per line: timestamp, level,"
                            + " loggerName, threadName, mdc with requestId/runId/step where there is one,"
                            + " formattedMessage, throwable) (default ${DEFAULT-VALUE}).")
    void logFormat(LogFormat format) {
        format.use();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Exit status of a command whose Kafka cluster did not answer in time. */
    public static final int KAFKA_UNREACHABLE = 4;

    /**
     * The command line: every flag also read from its ECTSTREAM_* variable (EnvironmentDefaults); a missing device
     * ends with its advice and exit status 3, a Kafka cluster that does not answer with one line and status 4, not a
     * stack trace.
     */
    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    static CommandLine commandLine(Map<String, String> env) {
        return new CommandLine(new EctStream())
                .setDefaultValueProvider(new EnvironmentDefaults(env))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof DeviceUnavailableException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return DEVICE_UNAVAILABLE;
                    }
                    if (kafkaDidNotAnswer(e)) {
                        cmd.getErr()
                                .println(
                                        "error: " + e.getMessage()
                                                + " (is the broker of --bootstrap-servers / ECTSTREAM_BOOTSTRAP_SERVERS reachable?)");
                        return KAFKA_UNREACHABLE;
                    }
                    throw e;
                });
    }

    private static boolean kafkaDidNotAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof KafkaUnreachableException) {
                return true;
            }
        }
        return false;
    }
}
