package io.ectstream.evaluator.cli;

import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.evaluator.history.FidHistoryReader;
import io.ectstream.evaluator.history.FidHistoryTable;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.TrafficPurpose;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream fid-history --run RUN}: the table of FID against images seen, read from ect.eval.fid. */
@Command(
        name = "fid-history",
        mixinStandardHelpOptions = true,
        description = {
            "Prints FID against training progress for a run: one row per checkpoint (step, kimg, phase),",
            "one column per (sampler, steps); a cell is 'FID (samples)' of the report with the most samples.",
            "Reads the FID topic from the beginning up to its end at start."
        })
public class FidHistoryCommand implements Callable<Integer> {

    /** Which traffic a cell comes from. */
    enum PurposeFilter {
        EVALUATION,
        USER,
        ANY
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, description = "Training run id.")
    String run;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecordFormatOptions records;

    @Option(names = "--fid-topic", description = "Default: ect.eval.fid.")
    String fidTopic = Topics.DEFAULT_FID;

    @Option(
            names = "--errors-topic",
            description =
                    "Where the evaluation driver reports checkpoints it could not evaluate, shown as rows with the reason (default: ect.generate.errors).")
    String errorsTopic = Topics.DEFAULT_ERRORS;

    @Option(names = "--window", defaultValue = "ALL", description = "ALL or ROLLING (default ${DEFAULT-VALUE}).")
    FidWindowKind window;

    @Option(
            names = "--purpose",
            defaultValue = "EVALUATION",
            description = "EVALUATION (the driver's fixed-seed samples), USER or ANY (default ${DEFAULT-VALUE}).")
    PurposeFilter purpose;

    @Option(
            names = "--timeout-s",
            defaultValue = "60",
            description = "Longest time to read the topic (default ${DEFAULT-VALUE}).")
    long timeoutS;

    @Override
    public Integer call() {
        var clients = kafka.settings();
        FidHistoryReader.History history =
                FidHistoryReader.read(clients, fidTopic, run, Duration.ofSeconds(timeoutS), records.recordFormat());
        TrafficPurpose filter = purpose == PurposeFilter.ANY ? null : TrafficPurpose.valueOf(purpose.name());
        var unevaluated = filter == TrafficPurpose.USER
                ? List.<UnevaluatedCheckpoint>of()
                : FidHistoryReader.unevaluated(
                        clients, errorsTopic, run, Duration.ofSeconds(timeoutS), records.recordFormat());
        FidHistoryTable table = FidHistoryTable.of(history.reports(), window, filter, unevaluated);
        var out = spec.commandLine().getOut();
        out.println("FID of run " + run + " (window " + window + ", purpose " + purpose + ", from " + fidTopic + ")");
        if (table.rows().isEmpty()) {
            out.println("no reports");
        } else {
            out.print(table.format());
        }
        if (history.undecodable() > 0) {
            spec.commandLine().getErr().println(history.undecodable() + " undecodable records skipped");
        }
        out.flush();
        return 0;
    }
}
