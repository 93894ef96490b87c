package io.ectstream.launcher.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's trainer as a process of its own (as it runs in production), on the same jar and JVM, talking
 * to the others only through Kafka and the checkpoint store. PyTorch work of the sampler and evaluator in
 * the demo's JVM then never shares a process with training.
 */
final class TrainerProcess implements AutoCloseable {
    private final Process process;

    private TrainerProcess(Process process) {
        this.process = process;
    }

    /** @param subcommand "pipeline" or "train" */
    static TrainerProcess start(String subcommand, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-Xmx3g");
        for (String property :
                List.of("ai.djl.offline", "org.apache.avro.SERIALIZABLE_PACKAGES", "ai.djl.pytorch.num_threads")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.addAll(
                List.of("-cp", System.getProperty("java.class.path"), "io.ectstream.launcher.EctStream", subcommand));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        env.put("OPT_OUT_TRACKING", "true");
        env.put("DJL_OFFLINE", "true");
        return new TrainerProcess(builder.start());
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
