package io.github.rediskube.core.spec;

import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * TLS on every Redis and Sentinel port: the certificates come from a Secret the user names, in cert-manager's
 * layout (a {@code kubernetes.io/tls} Secret with {@code tls.crt}, {@code tls.key} and {@code ca.crt}). The
 * plain ports are closed, replication and the Sentinels' links run over TLS, and the pods' scripts and probes
 * connect over TLS.
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .tls(t -> t.secret("orders-tls"))
 *     .build();
 * }</pre>
 *
 * @param secretName  the Secret holding the certificate, its key and the CA (in the spec's namespace)
 * @param certKey     the Secret's key of the PEM certificate chain; default {@value #DEFAULT_CERT_KEY}
 * @param keyKey      the Secret's key of the PEM private key; default {@value #DEFAULT_KEY_KEY}
 * @param caKey       the Secret's key of the PEM CA certificate(s) peers are checked against; default
 *                    {@value #DEFAULT_CA_KEY}
 * @param authClients whether every client must present a certificate signed by that CA
 *                    ({@code tls-auth-clients yes}); default off, so clients that authenticate with the password
 *                    only need the CA
 */
public record Tls(@Nullable String secretName, String certKey, String keyKey, String caKey, boolean authClients) {

    /** cert-manager's key of the certificate chain. */
    public static final String DEFAULT_CERT_KEY = "tls.crt";
    /** cert-manager's key of the private key. */
    public static final String DEFAULT_KEY_KEY = "tls.key";
    /** cert-manager's key of the issuing CA. */
    public static final String DEFAULT_CA_KEY = "ca.crt";
    /** Defaults, without a Secret: {@code secret(..)} must be set. */
    public static final Tls DEFAULT = builder().build();

    /** @return a builder with every default (no Secret yet) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this value's fields */
    public Builder toBuilder() {
        return new Builder().secret(secretName).certKey(certKey).keyKey(keyKey).caKey(caKey)
                .authClients(authClients);
    }

    void check(Checks checks) {
        checks.require(secretName != null && Names.isDnsSubdomain(secretName), "tls.secret", secretName,
                "must name a Secret in the spec's namespace (a DNS-1123 subdomain)",
                "use tls(t -> t.secret(\"orders-tls\")), e.g. the secretName of a cert-manager Certificate");
        Set<String> seen = new HashSet<>();
        checkKey(checks, seen, "certKey", certKey, DEFAULT_CERT_KEY);
        checkKey(checks, seen, "keyKey", keyKey, DEFAULT_KEY_KEY);
        checkKey(checks, seen, "caKey", caKey, DEFAULT_CA_KEY);
    }

    /** A data key of the Secret, unlike the keys checked before it (three files in one directory). */
    private static void checkKey(Checks checks, Set<String> seen, String setter, @Nullable String key,
                                 String defaultKey) {
        String fix = "use " + setter + "(\"" + defaultKey + "\") or keep the default";
        if (checks.require(key != null && key.matches("[-._a-zA-Z0-9]{1,253}"), "tls." + setter, key,
                "must be a Secret data key ([-._a-zA-Z0-9]+, at most 253 characters)", fix)) {
            checks.require(seen.add(key), "tls." + setter, key,
                    "must differ from the Secret's other TLS keys (certificate, private key and CA are three files)",
                    fix);
        }
    }

    /** Builds {@link Tls}; validated with the spec. */
    public static final class Builder {
        private @Nullable String secretName;
        private String certKey = DEFAULT_CERT_KEY;
        private String keyKey = DEFAULT_KEY_KEY;
        private String caKey = DEFAULT_CA_KEY;
        private boolean authClients;

        private Builder() {
        }

        /**
         * @param name the Secret with the certificate, its key and the CA (cert-manager's {@code secretName})
         * @return this builder
         */
        public Builder secret(@Nullable String name) {
            this.secretName = name;
            return this;
        }

        /**
         * @param key the Secret's key of the certificate chain; default {@value #DEFAULT_CERT_KEY}
         * @return this builder
         */
        public Builder certKey(String key) {
            this.certKey = key;
            return this;
        }

        /**
         * @param key the Secret's key of the private key; default {@value #DEFAULT_KEY_KEY}
         * @return this builder
         */
        public Builder keyKey(String key) {
            this.keyKey = key;
            return this;
        }

        /**
         * @param key the Secret's key of the CA certificate(s); default {@value #DEFAULT_CA_KEY}
         * @return this builder
         */
        public Builder caKey(String key) {
            this.caKey = key;
            return this;
        }

        /**
         * @param value whether clients must present a certificate the CA signed ({@code tls-auth-clients yes});
         *              default off: the password authenticates clients, TLS protects the wire
         * @return this builder
         */
        public Builder authClients(boolean value) {
            this.authClients = value;
            return this;
        }

        /** @return the settings (checked when the spec is built) */
        public Tls build() {
            return new Tls(secretName, certKey, keyKey, caKey, authClients);
        }
    }
}
