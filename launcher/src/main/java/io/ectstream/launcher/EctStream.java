package io.ectstream.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ectstream} command: one entry point for every service and tool of the platform. */
@Command(
    name = "ectstream",
    mixinStandardHelpOptions = true,
    version = "ectstream 0.1.0",
    description = "Train consistency models with ECT, serve 1-2 step generation over Kafka, evaluate with a rolling FID.",
    subcommands = {
        io.ectstream.launcher.demo.DemoCommand.class,
        BrokerCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class EctStream implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EctStream()).execute(args));
    }
}
