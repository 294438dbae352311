package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * Every environment variable shared by the rendered pods and the scripts ({@code start.sh}, {@code probe.sh},
 * {@code password.sh}, {@code ha.sh}): the one place their names are spelled on the Java side.
 * {@code ScriptEnvTest} checks both directions: each variable a script reads (and does not set itself) is
 * defined here and, when {@link Source#RENDERED}, set on a container that runs that script; each name here is
 * read by a script or, when {@link Source#FOR_TOOLS}, by a tool a script runs.
 */
enum ScriptEnv {

    /** The pod's name, from the downward API (the labeler patches its pod; announce names use it). */
    POD_NAME(Source.RENDERED),
    /** The StatefulSet's role, {@code master} or {@code replica} (with Sentinel: the bootstrap role). */
    REDIS_ROLE(Source.RENDERED),
    /** The Redis port. */
    REDIS_PORT(Source.RENDERED),
    /** The master to follow (with Sentinel: the bootstrap master). */
    REDIS_MASTER_HOST(Source.RENDERED),
    /** The master's port. */
    REDIS_MASTER_PORT(Source.RENDERED),
    /** The pod's stable DNS name, announced to the master and the Sentinels. */
    REDIS_ANNOUNCE_HOST(Source.RENDERED),
    /** Where the ConfigMap (redis.conf per role, the scripts) is mounted. */
    REDIS_CONFIG_DIR(Source.RENDERED),
    /** The in-memory directory the scripts write the runtime config and their state to. */
    REDIS_RUNTIME_DIR(Source.RENDERED),
    /** The mounted Secret's password file; unset when auth is off. */
    REDIS_PASSWORD_FILE(Source.RENDERED),
    /** Metrics with auth: the exporter's ACL user, written into redis.conf and sentinel.conf at start. */
    REDIS_METRICS_USER(Source.RENDERED),
    /** Metrics with auth: the mounted file of the exporter user's password (its own Secret). */
    REDIS_METRICS_PASSWORD_FILE(Source.RENDERED),
    /** TLS: the mounted Secret's directory (tls.crt, tls.key, ca.crt); unset without TLS (plain redis-cli). */
    REDIS_TLS_DIR(Source.RENDERED),
    /** Sentinel mode: every Sentinel as {@code host:port}, space-separated. */
    REDIS_SENTINELS(Source.RENDERED),
    /** Sentinel mode: the name the Sentinels monitor the master under. */
    REDIS_MASTER_SET(Source.RENDERED),
    /** Sentinel mode: {@code cache} or {@code storage} (a storage master may restart from its own data). */
    REDIS_MODE(Source.RENDERED),
    /** Sentinel mode: the directory the readiness probe and the labeler share the live role through. */
    REDIS_ROLE_DIR(Source.RENDERED),
    /** Sentinel mode: the Sentinel port. */
    SENTINEL_PORT(Source.RENDERED),
    /** Sentinel mode: the Sentinels' quorum. */
    SENTINEL_QUORUM(Source.RENDERED),
    /** Sentinel mode: the Sentinel pod's stable DNS name. */
    SENTINEL_ANNOUNCE_HOST(Source.RENDERED),
    /** Sentinel mode, STORAGE: the volume a Sentinel keeps its state on. */
    SENTINEL_STATE_DIR(Source.RENDERED),
    /** kubectl's home (its cache) in the labeler: {@code /tmp}, the root filesystem being read-only. */
    HOME(Source.FOR_TOOLS),
    /** Redis' data directory; the script's default {@code /data} is where the pods mount it. */
    REDIS_DATA_DIR(Source.DEFAULTED),
    /** The bound of the preStop failover in seconds; the script's default 15 fits the pods' grace period. */
    PRESTOP_WAIT_SECONDS(Source.DEFAULTED),
    /** The probes' redis-cli timeout in seconds; the script's default 4 fits the probes' timeout of 5. */
    PROBE_TIMEOUT(Source.DEFAULTED),
    /**
     * How long a new Sentinel with no other Sentinel answering waits for a Redis pod that does not answer before it
     * monitors the master the pods that answer replicate; the script's default, 6 x down-after (at least 10 s), lets
     * the Sentinels still promote a replica whose link to a master that hangs went down.
     */
    SENTINEL_SILENT_WAIT_SECONDS(Source.DEFAULTED),
    /**
     * Not rendered: {@code ha.sh start} exports it (0) for {@code start.sh} when a STORAGE replica restarts with data,
     * so the Sentinels do not promote it before it synced; unset, the role's rendered replica-priority holds.
     */
    REDIS_REPLICA_PRIORITY(Source.DEFAULTED);

    /** Who gives the variable its value. */
    enum Source {
        /** The renderer sets it on the containers that run the scripts reading it. */
        RENDERED,
        /** The renderer sets it for a tool a script runs (not read by the scripts themselves). */
        FOR_TOOLS,
        /**
         * Not rendered: the script's default is what the pods need; set it to run the scripts elsewhere (the
         * local topologies of redis-kube-testing do) or to tune a pod by hand.
         */
        DEFAULTED
    }

    private final Source source;

    ScriptEnv(Source source) {
        this.source = source;
    }

    Source source() {
        return source;
    }

    /** @return this variable with a literal value ({@code $(POD_NAME)} references are expanded by the kubelet) */
    EnvVar is(String value) {
        return new EnvVar(name(), value, null);
    }

    /** @return this variable with a number as its value */
    EnvVar is(int value) {
        return is(String.valueOf(value));
    }

    /** @return {@code $(NAME)}, the kubelet's reference to this variable inside another's value */
    String reference() {
        return "$(" + name() + ")";
    }
}
