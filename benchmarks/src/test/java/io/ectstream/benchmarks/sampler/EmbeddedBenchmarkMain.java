package io.ectstream.benchmarks.sampler;

import io.ectstream.benchmarks.cli.BenchSamplerCommand;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import picocli.CommandLine;

/**
 * Runs {@code bench-sampler} against an embedded broker started here (the broker lives in the test
 * classpath only). Arguments are those of BenchSamplerCommand, without --bootstrap-servers.
 */
public final class EmbeddedBenchmarkMain {
    private EmbeddedBenchmarkMain() {}

    public static void main(String[] args) {
        int code;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            String[] all = new String[args.length + 2];
            all[0] = "--bootstrap-servers";
            all[1] = broker.bootstrapServers();
            System.arraycopy(args, 0, all, 2, args.length);
            code = new CommandLine(new BenchSamplerCommand()).execute(all);
        }
        System.exit(code);
    }
}
