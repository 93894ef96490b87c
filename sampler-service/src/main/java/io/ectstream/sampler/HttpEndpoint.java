package io.ectstream.sampler;

import io.ectstream.sampler.http.HttpSecurity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTTP API.
 *
 * @param host     bind address
 * @param port     0 for a free port, negative to disable HTTP
 * @param security bearer token and TLS ({@link HttpSecurity#NONE}: neither)
 */
public record HttpEndpoint(String host, int port, HttpSecurity security) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Where the API binds when a bearer token protects it. */
    public static final String TOKEN_HOST = "0.0.0.0";

    public static final int DEFAULT_PORT = 8081;
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    /** No HTTP API at all. */
    public static final int DISABLED = -1;

    public HttpEndpoint {
        SamplerConfig.require(host != null && !host.isBlank(), "an HTTP host is required");
        security = security == null ? HttpSecurity.NONE : security;
    }

    public static HttpEndpoint defaults() {
        return new HttpEndpoint(DEFAULT_HOST, DEFAULT_PORT, HttpSecurity.NONE);
    }

    /** No HTTP API: what most Kafka tests need. */
    public static HttpEndpoint disabled() {
        return new HttpEndpoint(DEFAULT_HOST, DISABLED, HttpSecurity.NONE);
    }

    public HttpEndpoint withPort(int newPort) {
        return new HttpEndpoint(host, newPort, security);
    }

    public boolean enabled() {
        return port >= 0;
    }

    /**
     * The warning {@code serve} logs once at start when the API is reachable from other hosts without a bearer token
     * (allowed, for a trusted network: compose and Kubernetes bind 0.0.0.0 and take a token from a Secret); empty
     * when it binds loopback, has a token, or is disabled.
     */
    public Optional<String> exposureWarning() {
        if (!enabled() || security.tokenRequired() || loopback(host)) {
            return Optional.empty();
        }
        return Optional.of("the HTTP API binds " + host + " without a bearer token: anyone who reaches this host can"
                + " generate images and list models; set --http-token-file or ECTSTREAM_HTTP_TOKEN, or bind "
                + DEFAULT_HOST);
    }

    private static boolean loopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!IP_LITERAL.matcher(host).matches()) {
            return false; // a name: it may resolve to anything, so it is not taken for loopback
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
