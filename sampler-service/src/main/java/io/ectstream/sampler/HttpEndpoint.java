package io.ectstream.sampler;

import io.ectstream.sampler.http.HttpSecurity;

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
}
