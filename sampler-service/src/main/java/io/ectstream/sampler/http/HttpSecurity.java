package io.ectstream.sampler.http;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the HTTP API is protected.
 *
 * @param bearerToken every route but /health and /ready requires {@code Authorization: Bearer <token>}; null: no token
 * @param tlsCert     PEM certificate chain; with {@code tlsKey} the API serves HTTPS; null: plain HTTP
 * @param tlsKey      PEM private key (PKCS#8 or PKCS#1)
 */
public record HttpSecurity(String bearerToken, Path tlsCert, Path tlsKey) {

    public static final HttpSecurity NONE = new HttpSecurity(null, null, null);

    public HttpSecurity {
        if (bearerToken != null && (bearerToken.isBlank() || bearerToken.length() < 16)) {
            throw new IllegalArgumentException("the HTTP bearer token must have at least 16 characters");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(
                    "TLS needs both a certificate and a key (--http-tls-cert and --http-tls-key)");
        }
        if (tlsCert != null && !Files.isReadable(tlsCert)) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + tlsCert);
        }
        if (tlsKey != null && !Files.isReadable(tlsKey)) {
            throw new IllegalArgumentException("cannot read the TLS key " + tlsKey);
        }
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public boolean tokenRequired() {
        return bearerToken != null;
    }
}
