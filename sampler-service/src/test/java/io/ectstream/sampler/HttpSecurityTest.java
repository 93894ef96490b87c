package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.cli.ServeCommandAccess;
import io.ectstream.sampler.http.HttpSecurity;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API behind a bearer token and TLS; loopback only without a token. */
@BrokerTest
class HttpSecurityTest {
    private static final String TOKEN = "s3cret-token-0123456789";

    @TempDir
    Path dir;

    private Path[] selfSignedPem() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString(),
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
        return new Path[] {cert, key};
    }

    private static HttpClient trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "sampler", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static int status(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void httpsWithABearerToken(KafkaCluster kafka) throws Exception {
        Path[] pem = selfSignedPem();
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "httpsec", store, 1)) {
            SamplerConfig config = h.config("httpsec", 4, 5)
                    .withHttp(new HttpEndpoint(HttpEndpoint.DEFAULT_HOST, 0, new HttpSecurity(TOKEN, pem[0], pem[1])));
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                String base = "https://127.0.0.1:" + service.httpPort();
                HttpClient client = trusting(pem[0]);
                assertEquals(
                        503, status(client, base + "/health", null), "health stays open for probes (no model yet)");
                assertEquals(401, status(client, base + "/v1/models", null));
                assertEquals(401, status(client, base + "/metrics", "Bearer wrong-token-0123456789"));
                assertEquals(401, status(client, base + "/v1/models", TOKEN));
                assertEquals(200, status(client, base + "/v1/models", "Bearer " + TOKEN));
                assertEquals(200, status(client, base + "/metrics", "Bearer " + TOKEN));
                HttpClient plain = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                assertThrows(
                        java.io.IOException.class,
                        () -> status(plain, "http://127.0.0.1:" + service.httpPort() + "/health", null),
                        "no plain HTTP on the TLS port");
            }
        }
    }

    /** Issue 32: serve --http-host 0.0.0.0 without a token starts, with one warning that says so and what to do. */
    @Test
    void anOpenBindWithoutATokenIsWarnedAboutAndNothingElseIs() throws Exception {
        String store = dir.toString();
        String warning = ServeCommandAccess.config(Map.of(), "--store", store, "--http-host", "0.0.0.0")
                .http()
                .exposureWarning()
                .orElseThrow();
        assertEquals(
                "the HTTP API binds 0.0.0.0 without a bearer token: anyone who reaches this host can generate images"
                        + " and list models; set --http-token-file or ECTSTREAM_HTTP_TOKEN, or bind 127.0.0.1",
                warning);
        assertTrue(ServeCommandAccess.config(Map.of(), "--store", store, "--http-host", "sampler.example.com")
                .http()
                .exposureWarning()
                .isPresent());
        for (String loopback : List.of("127.0.0.1", "127.0.0.2", "::1", "localhost")) {
            assertTrue(
                    ServeCommandAccess.config(Map.of(), "--store", store, "--http-host", loopback)
                            .http()
                            .exposureWarning()
                            .isEmpty(),
                    loopback);
        }
        assertTrue(ServeCommandAccess.config(Map.of(), "--store", store)
                .http()
                .exposureWarning()
                .isEmpty());
        assertTrue(ServeCommandAccess.config(
                        Map.of("ECTSTREAM_HTTP_TOKEN", TOKEN), "--store", store, "--http-host", "0.0.0.0")
                .http()
                .exposureWarning()
                .isEmpty());
    }

    @Test
    void serveBindsLoopbackWithoutATokenAndTakesTheTokenFromTheEnvironment() throws Exception {
        SamplerConfig open = ServeCommandAccess.config(Map.of(), "--store", dir.toString());
        assertEquals("127.0.0.1", open.http().host());
        assertEquals(false, open.http().security().tokenRequired());

        SamplerConfig protectedConfig =
                ServeCommandAccess.config(Map.of("ECTSTREAM_HTTP_TOKEN", TOKEN), "--store", dir.toString());
        assertEquals("0.0.0.0", protectedConfig.http().host());
        assertEquals(TOKEN, protectedConfig.http().security().bearerToken());

        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "file-token-0123456789\n");
        SamplerConfig fromFile = ServeCommandAccess.config(
                Map.of(),
                "--store",
                dir.toString(),
                "--http-token-file",
                tokenFile.toString(),
                "--http-host",
                "127.0.0.1");
        assertEquals("file-token-0123456789", fromFile.http().security().bearerToken());
        assertEquals("127.0.0.1", fromFile.http().host());

        IllegalArgumentException tooShort = assertThrows(
                IllegalArgumentException.class,
                () -> ServeCommandAccess.config(Map.of(), "--store", dir.toString(), "--http-token", "short"));
        assertTrue(tooShort.getMessage().contains("at least 16"), tooShort.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ServeCommandAccess.config(
                        Map.of(),
                        "--store",
                        dir.toString(),
                        "--http-tls-cert",
                        dir.resolve("absent.pem").toString()));
    }
}
