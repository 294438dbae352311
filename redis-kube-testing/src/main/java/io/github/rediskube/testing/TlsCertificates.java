package io.github.rediskube.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA and one certificate it signed, made with the {@code openssl} CLI for a test, in the layout of a
 * cert-manager Secret as the pods mount it ({@code tls.crt}, {@code tls.key}, {@code ca.crt} in one directory).
 * The certificate is an ECDSA P-256 one for both server and client use (extended key usages {@code serverAuth}
 * and {@code clientAuth}, as a cert-manager {@code Certificate} with {@code usages: [server auth, client auth]});
 * its names are the ones given, so a test chooses whether {@code 127.0.0.1} is among them.
 *
 * <pre>{@code
 * TlsCertificates tls = TlsCertificates.create(tempDir.resolve("tls"), "DNS:orders-master.default.svc");
 * RedisTopology.start(spec, tempDir, spec.auth().password(), tls);
 * }</pre>
 */
public final class TlsCertificates {

    /** The certificate chain's file name (cert-manager's key). */
    public static final String CERT_FILE = "tls.crt";
    /** The private key's file name (PKCS#8 PEM, cert-manager's key). */
    public static final String KEY_FILE = "tls.key";
    /** The CA's file name (cert-manager's key). */
    public static final String CA_FILE = "ca.crt";

    private final Path dir;

    private TlsCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes a CA and a certificate it signs for {@code names}.
     *
     * @param dir   an empty or missing directory; it gets {@value #CERT_FILE}, {@value #KEY_FILE} and
     *              {@value #CA_FILE} (and the CA's own key and the request, which no pod would hold)
     * @param names the certificate's subject alternative names, e.g. {@code DNS:orders-master} or
     *              {@code IP:127.0.0.1}
     * @return the certificates
     * @throws IllegalStateException when {@code openssl} fails; a missing {@code openssl} skips the test, or fails
     *                               it where Redis is required ({@link RedisBinaries#required()})
     */
    public static TlsCertificates create(Path dir, String... names) {
        requireOpenssl();
        try {
            Files.createDirectories(dir);
            Path ext = dir.resolve("ext.cnf");
            Files.writeString(ext, "basicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n"
                    + (names.length == 0 ? "" : "subjectAltName=" + String.join(",", names) + "\n"),
                    StandardCharsets.UTF_8);
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", CA_FILE, "-days", "2", "-subj", "/CN=redis-kube test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", KEY_FILE, "-out", "tls.csr", "-subj", "/CN=redis-kube test server");
            openssl(dir, "x509", "-req", "-in", "tls.csr", "-CA", CA_FILE, "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", CERT_FILE, "-days", "2", "-extfile", "ext.cnf");
            return new TlsCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificates under " + dir, e);
        }
    }

    /** @return the directory a pod's TLS Secret volume would be: {@value #CERT_FILE}, {@value #KEY_FILE}, {@value #CA_FILE} */
    public Path dir() {
        return dir;
    }

    /** @return the CA certificate (PEM) */
    public Path caFile() {
        return dir.resolve(CA_FILE);
    }

    /** @return the certificate (PEM) */
    public Path certFile() {
        return dir.resolve(CERT_FILE);
    }

    /** @return the private key (PKCS#8 PEM) */
    public Path keyFile() {
        return dir.resolve(KEY_FILE);
    }

    /** @return the CA certificate's PEM text */
    public String caPem() {
        return read(caFile());
    }

    /** @return the certificate's PEM text */
    public String certPem() {
        return read(certFile());
    }

    /** @return the private key's PEM text (PKCS#8) */
    public String keyPem() {
        return read(keyFile());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return Lettuce client options trusting this CA and presenting the certificate when a server asks for one
     *         ({@code tls-auth-clients yes}); pair them with {@code RedisURI}s that have {@code ssl} on
     */
    public ClientOptions clientOptions() {
        return ClientOptions.builder()
                .sslOptions(SslOptions.builder()
                        .jdkSslProvider()
                        .trustManager(caFile().toFile())
                        .keyManager(certFile().toFile(), keyFile().toFile(), null)
                        .build())
                .build();
    }

    /** @return {@code --tls --cacert .. --cert .. --key ..}: redis-cli's arguments for this CA and certificate */
    public List<String> redisCliArgs() {
        return List.of("--tls", "--cacert", caFile().toString(), "--cert", certFile().toString(),
                "--key", keyFile().toString());
    }

    private static void requireOpenssl() {
        boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "openssl")));
        if (!found) {
            String help = "openssl not found on PATH: the TLS tests make their CA and certificates with it. Install it"
                    + " (Debian/Ubuntu: apt-get install -y openssl; macOS: brew install openssl).";
            if (RedisBinaries.required()) {
                throw new AssertionError(help + " This run requires it (rediskube.requireRedis=true or CI=true).");
            }
            org.junit.jupiter.api.Assumptions.abort("TLS test skipped: " + help);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (" + e.getMessage() + "): install it, e.g. apt-get"
                    + " install -y openssl; the TLS tests make their certificates with it", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
