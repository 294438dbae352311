package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The deployment's password as a file: the Secret mounted read-only into every container that runs Redis or
 * Sentinel (not the labeler, which needs none), and {@code REDIS_PASSWORD_FILE} naming it. The scripts
 * ({@code password.sh}) read it at each use, so a password stored in the Secret during a live rotation reaches
 * the probes and scripts of running pods once their kubelet refreshes the file, without a restart (an env var
 * is fixed when the container starts). Adds nothing when auth is off. Also the Secret of a generated password.
 */
final class PasswordFile {

    /** The pod volume holding the Secret. */
    static final String VOLUME = "auth";
    /** Where it is mounted; outside the ConfigMap's directory so that neither volume shadows the other. */
    static final String DIR = "/etc/redis-kube-auth";
    /** The file name of the password in {@link #DIR}, whatever the key in the Secret. */
    static final String FILE = "password";
    /** The scripts' variable naming the file. */
    static final String ENV = ScriptEnv.REDIS_PASSWORD_FILE.name();
    /**
     * Owner (root) and group (the pod's fsGroup, the image's uid 999) may read, nobody else; the kubelet gives
     * the files of a Secret volume the fsGroup as their group.
     */
    static final int MODE = 0440;

    private PasswordFile() {
    }

    /** @return {@code REDIS_PASSWORD_FILE}, when auth is on */
    static List<EnvVar> env(RedisReplicationSpec spec) {
        return spec.auth().enabled() ? List.of(ScriptEnv.REDIS_PASSWORD_FILE.is(DIR + "/" + FILE)) : List.of();
    }

    /** @return the read-only mount of {@link #VOLUME}, when auth is on */
    static List<VolumeMount> mounts(RedisReplicationSpec spec) {
        return spec.auth().enabled()
                ? List.of(Volumes.readOnly(VOLUME, DIR))
                : List.of();
    }

    /** @return the Secret of a generated password, under {@link Auth#DEFAULT_KEY} */
    static Secret secret(RedisReplicationSpec spec) {
        return secret(spec, spec.names().generatedSecret(), Auth.DEFAULT_KEY, spec.auth().password());
    }

    /** @return an Opaque Secret of the deployment holding {@code value} under {@code key} (a password it made) */
    static Secret secret(RedisReplicationSpec spec, String name, String key, String value) {
        return new SecretBuilder()
                .withMetadata(Labels.metadata(spec, name, Labels.common(spec)))
                .withType("Opaque")
                .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** @return the Secret volume with the password's key as {@link #FILE}, when auth is on */
    static List<Volume> volumes(RedisReplicationSpec spec) {
        if (!spec.auth().enabled()) {
            return List.of();
        }
        return List.of(Volumes.secret(VOLUME, RedisManifests.secretName(spec), MODE,
                Map.of(RedisManifests.secretKey(spec), FILE)));
    }
}
