package io.ectstream.sampler.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Lets a request through only with {@code Authorization: Bearer <token>}; 401 otherwise. Compares in constant time. */
final class BearerTokenHandler implements Handler<RoutingContext> {
    private final byte[] expected;

    BearerTokenHandler(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        ctx.response()
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"ectstream\"")
                .putHeader("content-type", "application/json")
                .end("{\"error\":\"UNAUTHORIZED\",\"message\":\"a valid bearer token is required\"}");
    }
}
