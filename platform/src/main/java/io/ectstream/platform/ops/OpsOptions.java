package io.ectstream.platform.ops;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The picocli mixin of a long-running command's operations flags ({@code @Mixin OpsOptions ops;}): where /health,
 * /ready and /metrics are served, and how long shutdown may drain.
 */
public final class OpsOptions {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_DRAIN_TIMEOUT_S = 30;

    @Option(
            names = "--ops-port",
            paramLabel = "PORT",
            description = "Serve GET /health, /ready and /metrics (Prometheus) on this port; 0 picks a free one"
                    + " (default: none, so that services sharing a host never collide on a port).")
    Integer port;

    @Option(
            names = "--ops-host",
            paramLabel = "HOST",
            defaultValue = DEFAULT_HOST,
            description = "Address of the --ops-port endpoint (default ${DEFAULT-VALUE}; 0.0.0.0 for a pod's probes).")
    String host;

    @Option(
            names = "--drain-timeout-s",
            paramLabel = "S",
            defaultValue = "" + DEFAULT_DRAIN_TIMEOUT_S,
            description = "On SIGTERM: readiness off, stop taking work, finish the work in flight for at most this"
                    + " long, then exit (default ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    /** The command's lifecycle, with the ops endpoint when --ops-port was given (no shutdown hook yet). */
    public ServiceLifecycle lifecycle(String service) {
        if (drainTimeoutSeconds < 0) {
            throw new IllegalArgumentException("--drain-timeout-s must be >= 0, not " + drainTimeoutSeconds);
        }
        return new ServiceLifecycle(service, host, port, Duration.ofSeconds(drainTimeoutSeconds));
    }
}
