package io.ectstream.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a broker needs for a SASL_SSL listener (SASL/PLAIN and SASL/SCRAM-SHA-512 over TLS): a self-signed certificate
 * for 127.0.0.1 made with the JDK's keytool, a truststore holding it for the clients, and the users with their
 * passwords (the broker gives every user a SCRAM credential too).
 * {@link #SUPER_USER} may do anything; every other user only what ACLs allow.
 */
public record SaslSslSetup(Path keystore, Path truststore, String storePassword, Map<String, String> users) {

    public static final String SUPER_USER = "admin";
    public static final String MECHANISM = "PLAIN";
    public static final String SCRAM = "SCRAM-SHA-512";

    public SaslSslSetup {
        users = Map.copyOf(users);
        if (!users.containsKey(SUPER_USER)) {
            throw new IllegalArgumentException("the users must include the super user '" + SUPER_USER + "'");
        }
    }

    /** Generates a key pair and certificate (SAN ip:127.0.0.1, dns:localhost) in {@code dir}; admin plus the given users. */
    public static SaslSslSetup generate(Path dir, Map<String, String> users) {
        String password = "store-" + Long.toHexString(System.nanoTime());
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        try {
            Files.createDirectories(dir);
            keytool(
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password,
                    "-keypass",
                    password);
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "broker",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password,
                    "-file",
                    cert.toString());
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "broker-ca",
                    "-file",
                    cert.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    truststore.toString(),
                    "-storepass",
                    password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the broker's certificate in " + dir, e);
        }
        Map<String, String> all = new LinkedHashMap<>(users);
        all.putIfAbsent(SUPER_USER, "admin-" + Long.toHexString(System.nanoTime()));
        return new SaslSslSetup(keystore, truststore, password, all);
    }

    /** Client properties for {@code user} on the SASL_SSL listener: what a user's --kafka-config file would hold. */
    public Map<String, Object> clientProperties(String user, String password) {
        return clientProperties(user, password, MECHANISM);
    }

    /** @param mechanism {@link #MECHANISM} (PLAIN) or {@link #SCRAM} */
    public Map<String, Object> clientProperties(String user, String password, String mechanism) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", mechanism);
        p.put(
                "sasl.jaas.config",
                SCRAM.equals(mechanism)
                        ? "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                                + "\" password=\"" + password + "\";"
                        : jaas(user, password));
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    public Map<String, Object> clientProperties(String user) {
        return clientProperties(user, users.get(user));
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** The broker side of the listener named {@code listener} (lower case in the property names). */
    Map<String, String> brokerProperties(String listener) {
        String prefix = "listener.name." + listener + ".";
        Map<String, String> p = new LinkedHashMap<>();
        p.put(prefix + "ssl.keystore.location", keystore.toString());
        p.put(prefix + "ssl.keystore.password", storePassword);
        p.put(prefix + "ssl.keystore.type", "PKCS12");
        p.put(prefix + "ssl.key.password", storePassword);
        p.put("sasl.enabled.mechanisms", MECHANISM + "," + SCRAM);
        p.put(
                prefix + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        StringBuilder jaas = new StringBuilder(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"")
                .append(SUPER_USER)
                .append("\" password=\"")
                .append(users.get(SUPER_USER))
                .append('"');
        users.forEach((user, password) -> jaas.append(" user_")
                .append(user)
                .append("=\"")
                .append(password)
                .append('"'));
        p.put(prefix + "plain.sasl.jaas.config", jaas.append(';').toString());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The loopback PLAINTEXT and CONTROLLER listeners (inter-broker, test set-up) authenticate as ANONYMOUS.
        p.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        return p;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
