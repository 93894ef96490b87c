package io.ectstream.sampler.cli;

import io.ectstream.sampler.SamplerConfig;
import java.util.Map;
import picocli.CommandLine;

/** Builds serve's typed configuration from arguments and an injected environment, for tests outside this package. */
public final class ServeCommandAccess {
    private ServeCommandAccess() {}

    public static SamplerConfig config(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        serve.env = env;
        return serve.config();
    }
}
