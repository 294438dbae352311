package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.LabelKeys;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link RedisReplicationSpec} into Kubernetes objects. Pure: no API server, no clock, no
 * randomness; every call returns fresh objects, and the same spec always renders the same objects.
 *
 * <pre>{@code
 * List<HasMetadata> objects = RedisManifests.render(spec);        // what RedisKube.manifests(spec) returns
 * }</pre>
 *
 * <p>The files the pods read (redis.conf per role, the scripts) are the ConfigMap's data, under the
 * {@code *_KEY} names below; the methods that produce them are internals of this package.
 *
 * <p>Order: Secret (when generated), ConfigMap, (Sentinel: the labeler's ServiceAccount, Role, RoleBinding),
 * headless Service, master Service, replica Service, (Sentinel: Sentinel Service, Sentinel headless Service),
 * NetworkPolicy, PodDisruptionBudgets (see {@link DisruptionBudgets}), master StatefulSet, replica
 * StatefulSet, (Sentinel: Sentinel StatefulSet).
 */
public final class RedisManifests {

    /** Key of the master's redis.conf in the ConfigMap (likewise {@code replica.conf}). */
    public static final String MASTER_CONF_KEY = "master.conf";
    /** Key of the start script in the ConfigMap. */
    public static final String START_SCRIPT_KEY = RedisConfig.START_SCRIPT;
    /** Key of the Sentinel-mode script in the ConfigMap (present only with Sentinel). */
    public static final String HA_SCRIPT_KEY = RedisConfig.HA_SCRIPT;
    /** Key of the Redis pods' addresses in the ConfigMap (present only with Sentinel). */
    public static final String PEERS_KEY = RedisConfig.PEERS;
    /** Key of the password rule the scripts source in the ConfigMap. */
    public static final String PASSWORD_SCRIPT_KEY = RedisConfig.PASSWORD_SCRIPT;
    /** Key of the probe script in the ConfigMap. */
    public static final String PROBE_SCRIPT_KEY = RedisConfig.PROBE_SCRIPT;
    /**
     * The pod volume of every Redis and Sentinel pod that mounts the password's Secret (its key as one file
     * the scripts read at each use), when auth is on.
     */
    public static final String PASSWORD_VOLUME = PasswordFile.VOLUME;
    /**
     * The pod volume of every Redis and Sentinel pod that mounts the TLS Secret (its certificate, key and CA under
     * fixed file names), when TLS is on.
     */
    public static final String TLS_VOLUME = TlsFiles.VOLUME;
    /** The file name the TLS volume gives the Secret's CA key (cert-manager's {@code ca.crt}, whatever the key). */
    public static final String TLS_CA_FILE = TlsFiles.CA_FILE;

    /**
     * Pod-template annotation of every Redis and Sentinel pod when the password is generated: a salted,
     * truncated SHA-256 of the password the pods are given, so a Secret replaced by re-applying another
     * build's export rolls every pod onto the new password together (see {@link #passwordHash}).
     */
    public static final String PASSWORD_HASH_ANNOTATION = LabelKeys.PREFIX + "password-hash";

    private RedisManifests() {
    }

    /**
     * @param spec a validated spec
     * @return every object to apply, in a stable order
     */
    public static List<HasMetadata> render(RedisReplicationSpec spec) {
        return Contributions.render(spec);
    }

    /**
     * @param spec a validated spec
     * @param role the role
     * @return the redis.conf the role's pods include (without secrets and {@code replicaof})
     */
    static String redisConf(RedisReplicationSpec spec, Role role) {
        return Contributions.redisConf(spec, role);
    }

    /** @return the POSIX sh script that starts a Redis pod (see its header for the environment it reads) */
    static String startScript() {
        return RedisConfig.script(RedisConfig.START_SCRIPT);
    }

    /**
     * @return the POSIX sh script of Sentinel mode: the Sentinel-aware start of Redis pods, the Sentinel
     *         start, readiness, preStop failover and the role labeler (see its header)
     */
    static String haScript() {
        return RedisConfig.script(RedisConfig.HA_SCRIPT);
    }

    /**
     * @param spec a validated spec with Sentinel
     * @return Sentinel's global directives; {@code ha.sh sentinel} appends the monitor line,
     *         {@link #sentinelMasterConf(RedisReplicationSpec)}, announce-ip and the passwords
     */
    static String sentinelConf(RedisReplicationSpec spec) {
        return SentinelContribution.sentinelConf(spec);
    }

    /**
     * @param spec a validated spec with Sentinel
     * @return Sentinel's per-master directives (down-after, failover-timeout, parallel-syncs)
     */
    static String sentinelMasterConf(RedisReplicationSpec spec) {
        return SentinelContribution.sentinelMasterConf(spec);
    }

    /**
     * @param spec a validated spec with Sentinel
     * @return every Redis pod as {@code host:port}, one a line (ConfigMap key {@value #PEERS_KEY}): whom
     *         ha.sh asks for the live master when no Sentinel answers
     */
    static String redisPeers(RedisReplicationSpec spec) {
        return SentinelContribution.peers(spec);
    }

    /** @return the pod label the master and replica Services select on with Sentinel: the live role */
    public static String roleLabel() {
        return Labels.ROLE_LABEL;
    }

    /**
     * @return the POSIX sh fragment that start.sh, probe.sh and ha.sh source from their own directory: the
     *         password from the Secret with one trailing newline stripped, other control characters refused
     */
    static String passwordScript() {
        return RedisConfig.script(RedisConfig.PASSWORD_SCRIPT);
    }

    /** @return the POSIX sh script behind the readiness and liveness probes */
    static String probeScript() {
        return RedisConfig.script(RedisConfig.PROBE_SCRIPT);
    }

    /**
     * @param spec a spec
     * @return the Secret that holds the password: the generated one or the one named by the spec;
     *         {@code null} when auth is disabled
     */
    public static @Nullable String secretName(RedisReplicationSpec spec) {
        return switch (spec.auth().kind()) {
            case GENERATED -> spec.names().generatedSecret();
            case EXISTING_SECRET -> spec.auth().secretName();
            case DISABLED -> null;
        };
    }

    /**
     * @param spec a spec
     * @return the key of the password in {@link #secretName(RedisReplicationSpec)}; {@code null} when auth is disabled
     */
    public static @Nullable String secretKey(RedisReplicationSpec spec) {
        return switch (spec.auth().kind()) {
            case GENERATED -> Auth.DEFAULT_KEY;
            case EXISTING_SECRET -> spec.auth().secretKey();
            case DISABLED -> null;
        };
    }

    /**
     * The value of {@link #PASSWORD_HASH_ANNOTATION} for a password: the first 16 hex digits of SHA-256 over
     * the namespace, the name and the password (salted, so equal passwords of two deployments do not show;
     * a generated password's 128+ bits are not recoverable from 64 bits of its hash).
     *
     * @param spec     the deployment
     * @param password the password its pods run with
     * @return the hash
     */
    public static String passwordHash(RedisReplicationSpec spec, String password) {
        return sha256(List.of("redis-kube password", spec.namespace(), spec.name(), password));
    }

    /** @return the first 16 hex digits of SHA-256 over the parts, each followed by a NUL */
    static String sha256(List<String> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
