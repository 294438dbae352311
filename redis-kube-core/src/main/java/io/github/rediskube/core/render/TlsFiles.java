package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Tls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS Secret as files, as {@link PasswordFile} does the password: the Secret's certificate, private key and
 * CA mounted read-only under fixed names ({@value #CERT_FILE}, {@value #KEY_FILE}, {@value #CA_FILE}, whatever
 * the Secret's keys), readable by the pod's fsGroup only, and {@code REDIS_TLS_DIR} naming the directory for the
 * scripts. Every method adds nothing when TLS is off, so a primitive the contributions use without asking.
 */
final class TlsFiles {

    /** The pod volume holding the Secret. */
    static final String VOLUME = "tls";
    /** Where it is mounted; beside the password's directory, outside the ConfigMap's. */
    static final String DIR = "/etc/redis-kube-tls";
    static final String CERT_FILE = "tls.crt";
    static final String KEY_FILE = "tls.key";
    static final String CA_FILE = "ca.crt";
    /** Owner (root) and group (the pod's fsGroup, the image's uid) may read, nobody else: it holds a key. */
    static final int MODE = 0440;

    private TlsFiles() {
    }

    /** @return {@code REDIS_TLS_DIR}, when TLS is on */
    static List<EnvVar> env(RedisReplicationSpec spec) {
        return spec.tlsEnabled() ? List.of(ScriptEnv.REDIS_TLS_DIR.is(DIR)) : List.of();
    }

    /** @return the read-only mount of {@link #VOLUME}, when TLS is on */
    static List<VolumeMount> mounts(RedisReplicationSpec spec) {
        return spec.tlsEnabled() ? List.of(Volumes.readOnly(VOLUME, DIR)) : List.of();
    }

    /** @return the Secret volume, its three keys under the fixed file names, when TLS is on */
    static List<Volume> volumes(RedisReplicationSpec spec) {
        Tls tls = spec.tls();
        if (tls == null) {
            return List.of();
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(tls.certKey(), CERT_FILE);
        files.put(tls.keyKey(), KEY_FILE);
        files.put(tls.caKey(), CA_FILE);
        return List.of(Volumes.secret(VOLUME, tls.secretName(), MODE, files));
    }

    /** @return {@code rediss} when TLS is on, else {@code redis}: the URI scheme of a client on the pod's loopback */
    static String scheme(RedisReplicationSpec spec) {
        return spec.tlsEnabled() ? "rediss" : "redis";
    }

    /**
     * The {@code redis_exporter} flags of a TLS connection to its own pod's server, when TLS is on: the pod's
     * certificate and key as the client's (for {@code tls-auth-clients yes}) and no server verification. The
     * exporter dials 127.0.0.1 inside the pod's network namespace, where no one can stand in the middle, and
     * Go's TLS would check "127.0.0.1" against the certificate's names, which hold the Services' and pods' DNS
     * names rather than the loopback address.
     */
    static List<String> exporterArgs(RedisReplicationSpec spec) {
        if (!spec.tlsEnabled()) {
            return List.of();
        }
        return List.of("--tls-client-cert-file=" + DIR + "/" + CERT_FILE,
                "--tls-client-key-file=" + DIR + "/" + KEY_FILE,
                "--skip-tls-verification");
    }
}
