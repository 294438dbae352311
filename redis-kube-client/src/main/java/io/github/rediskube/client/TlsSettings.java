package io.github.rediskube.client;

import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS on every connection of {@link ConnectionSettings}: the CA the servers' certificates are checked against, how
 * far the check goes and, for servers with {@code tls-auth-clients yes}, the certificate the client presents.
 * {@link SslVerifyMode#FULL} (the default) also checks that the certificate names the host connected to, as given
 * or mapped: a pod's or Service's DNS name inside the cluster. Through a port-forward (127.0.0.1) or a NodePort (a
 * node's address) that holds only when the certificate lists that address too; otherwise use
 * {@link SslVerifyMode#CA}, which checks the chain only (what Redis' own replication checks).
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.trusting(deployment.tlsCaCertificate())
 *         .withVerifyMode(SslVerifyMode.CA);       // through a NodePort
 * }</pre>
 *
 * @param caCertificate     the CA certificate(s) as PEM, or {@code null} to trust the JDK's default trust store
 *                          (servers with publicly issued certificates)
 * @param verifyMode        {@link SslVerifyMode#FULL} or {@link SslVerifyMode#CA}
 * @param clientCertificate the certificate chain the client presents (PEM), or {@code null} for none
 * @param clientKey         its private key (PKCS#8 PEM, {@code -----BEGIN PRIVATE KEY-----}), with
 *                          {@code clientCertificate} only
 */
public record TlsSettings(@Nullable String caCertificate, SslVerifyMode verifyMode,
                          @Nullable String clientCertificate, @Nullable String clientKey) {

    /**
     * Checks the fields, reporting every broken rule at once; a PEM is never printed.
     *
     * @param caCertificate     the CA certificate(s) as PEM, or {@code null}
     * @param verifyMode        FULL or CA
     * @param clientCertificate the client's certificate chain as PEM, or {@code null}
     * @param clientKey         its PKCS#8 private key as PEM, exactly when {@code clientCertificate} is given
     * @throws IllegalArgumentException naming each field, its value, the rule and the fix
     */
    public TlsSettings {
        List<String> problems = new ArrayList<>();
        if (verifyMode == null || verifyMode == SslVerifyMode.NONE) {
            problems.add("tls.verifyMode must be FULL or CA, was " + verifyMode + ": NONE would take any server for"
                    + " the one asked for; use SslVerifyMode.CA to check the chain without the host name"
                    + " (port-forwards, NodePorts)");
        }
        if (caCertificate != null && certificates(caCertificate).isEmpty()) {
            problems.add(notPem("tls.caCertificate", caCertificate, "pass the Secret's ca.crt, e.g."
                    + " deployment.tlsCaCertificate()"));
        }
        if ((clientCertificate == null) != (clientKey == null)) {
            problems.add("tls.clientKey must be given together with tls.clientCertificate, was "
                    + (clientKey == null ? "a certificate without a key" : "a key without a certificate")
                    + ": use withClientCertificate(certificatePem, keyPem)");
        }
        if (clientCertificate != null && certificates(clientCertificate).isEmpty()) {
            problems.add(notPem("tls.clientCertificate", clientCertificate, "pass the client's tls.crt"));
        }
        if (clientKey != null && !clientKey.contains("-----BEGIN PRIVATE KEY-----")) {
            problems.add("tls.clientKey must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----), was "
                    + clientKey.length() + " characters without one: convert it with openssl pkcs8 -topk8 -nocrypt,"
                    + " or issue it with cert-manager's privateKey.encoding: PKCS8");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * @param caCertificate the CA certificate(s) as PEM (a cert-manager Secret's {@code ca.crt})
     * @return TLS trusting that CA, with {@link SslVerifyMode#FULL}, presenting no client certificate
     */
    public static TlsSettings trusting(String caCertificate) {
        Objects.requireNonNull(caCertificate, "caCertificate must not be null, was null: pass the PEM of the CA"
                + " (deployment.tlsCaCertificate()), or use new TlsSettings(null, mode, null, null) for the JDK's"
                + " trust store");
        return new TlsSettings(caCertificate, SslVerifyMode.FULL, null, null);
    }

    /**
     * @param mode {@link SslVerifyMode#FULL} or {@link SslVerifyMode#CA}
     * @return a copy checking that far
     */
    public TlsSettings withVerifyMode(SslVerifyMode mode) {
        return new TlsSettings(caCertificate, mode, clientCertificate, clientKey);
    }

    /**
     * @param certificate the certificate chain to present (PEM), one the servers' CA signed, for client use
     * @param key         its private key (PKCS#8 PEM)
     * @return a copy presenting it to servers that ask ({@code tls-auth-clients yes})
     */
    public TlsSettings withClientCertificate(String certificate, String key) {
        return new TlsSettings(caCertificate, verifyMode, certificate, key);
    }

    /**
     * @return Lettuce's SSL options trusting {@link #caCertificate()} (the JDK's trust store without one) and
     *         presenting {@link #clientCertificate()} when given
     */
    public SslOptions sslOptions() {
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        if (caCertificate != null) {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate certificate : certificates(caCertificate)) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                builder.trustManager(trust);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build a trust store of the CA certificate: " + e, e);
            }
        }
        if (clientCertificate != null && clientKey != null) {
            builder.keyManager(() -> pem(clientCertificate), () -> pem(clientKey), null);
        }
        return builder.build();
    }

    /** No PEM is printed. */
    @Override
    public String toString() {
        return "TlsSettings[ca=" + (caCertificate == null ? "the JDK's trust store"
                : "<PEM, " + caCertificate.length() + " characters>") + ", verifyMode=" + verifyMode
                + ", clientCertificate=" + (clientCertificate == null ? "none" : "<PEM>") + "]";
    }

    /**
     * @return the TLS a deployment's clients need: its CA read from its TLS Secret, {@link SslVerifyMode#FULL};
     *         {@code null} when it serves plain TCP
     */
    static @Nullable TlsSettings of(RedisDeployment deployment) {
        String ca = deployment.tlsCaCertificate();
        return ca == null ? null : trusting(ca);
    }

    /**
     * @return for a spec with TLS on, TLS without a CA yet (the JDK's trust store: a spec does not hold the CA,
     *         its Secret does), checking {@code mode}; {@code null} for plain TCP
     */
    static @Nullable TlsSettings of(RedisReplicationSpec spec, SslVerifyMode mode) {
        return spec.tlsEnabled() ? new TlsSettings(null, mode, null, null) : null;
    }

    private static ByteArrayInputStream pem(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<? extends Certificate> certificates(String pem) {
        try {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(pem(pem)));
        } catch (CertificateException e) {
            return List.of();
        }
    }

    private static String notPem(String field, String value, String fix) {
        return field + " must be one or more PEM certificates (-----BEGIN CERTIFICATE-----), was " + value.length()
                + " characters without one: " + fix;
    }
}
