package io.ectstream.sampler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.sampler.generate.ReplicatedModelLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeDevicesTest {

    @Test
    void serveRunsItsGeneratorThreadsOnEveryListedDevice() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve)
                .parseArgs("--bootstrap-servers", "h:1", "--device", "cpu,cpu", "--generator-threads", "2");
        assertEquals(4, serve.config().batching().generatorThreads());
        assertTrue(serve.loader() instanceof ReplicatedModelLoader, "one copy of each checkpoint per listed device");
        ServeCommand one = new ServeCommand();
        new CommandLine(one).parseArgs("--bootstrap-servers", "h:1", "--device", "gpu:1");
        assertEquals(1, one.config().batching().generatorThreads());
    }
}
