package io.github.rediskube.core.render;

import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The ConfigMap's file names and directories, the replication directives of redis.conf, the directive-line
 * primitive every contribution writes config with, and the pod scripts (resources next to this class). Only
 * directives that Redis 7.0+ and Valkey 7.2+ both accept are written; secrets and {@code replicaof} are added at
 * start by the start script.
 */
final class RedisConfig {

    /** Where the ConfigMap is mounted in the pods. */
    static final String CONFIG_DIR = "/etc/redis-kube";
    /** Where the start script writes the runtime config (an in-memory emptyDir). */
    static final String RUNTIME_DIR = "/run/redis-kube";
    /** The data directory. */
    static final String DATA_DIR = "/data";
    /** Seconds a master waits for lagging replicas on shutdown; the pod's grace period leaves room for it. */
    static final int SHUTDOWN_TIMEOUT_SECONDS = 10;

    static final String START_SCRIPT = "start.sh";
    static final String PROBE_SCRIPT = "probe.sh";
    /** The password rule every script sources (one trailing newline stripped, control characters refused). */
    /** The one directive that follows the replica count (left out of the config hash). */
    static final String SCALE_HINT = "repl-diskless-sync-max-replicas";
    static final String PASSWORD_SCRIPT = "password.sh";
    /** The Sentinel-mode script (start, sentinel, readiness, prestop, label). */
    static final String HA_SCRIPT = "ha.sh";
    /** Sentinel's global directives; the script appends the monitor line and {@link #SENTINEL_MASTER_CONF}. */
    static final String SENTINEL_CONF = "sentinel.conf";
    /** Sentinel's per-master directives, which must follow {@code sentinel monitor}. */
    static final String SENTINEL_MASTER_CONF = "sentinel-master.conf";
    /**
     * Every Redis pod as {@code host:port}, one a line: whom ha.sh asks for the live master when no
     * Sentinel answers. Not in the config hash: scaling the replicas updates it without rolling the pods.
     */
    static final String PEERS = "redis-peers";

    /** Seconds between the master's pings to its replicas; well below {@link #REPL_TIMEOUT_SECONDS}. */
    static final int REPL_PING_SECONDS = 1;
    /**
     * Seconds of silence after which a replica gives up its master link or a connection attempt (a dead pod IP
     * answers nothing), and a master a replica. Redis' default of 60 kept replicas away from a restarted master
     * for a minute; 5 re-links them within 10 s of its return while riding out short stalls.
     */
    static final int REPL_TIMEOUT_SECONDS = 5;
    /** Seconds a master waits for more replicas before a full sync, unless all of them asked already. */
    static final int DISKLESS_SYNC_DELAY_SECONDS = 1;
    /** TCP keepalive of client and replication connections: a vanished peer is noticed in about 20 s. */
    static final int TCP_KEEPALIVE_SECONDS = 10;
    /** Seconds a replica may stay above the soft output-buffer limit before it is disconnected. */
    static final int REPLICA_BUFFER_SOFT_SECONDS = 60;

    private RedisConfig() {
    }

    /** @return the replica output buffer's hard limit: 1/4 of the memory above maxmemory */
    static long replicaBufferHardLimit(long headroom) {
        return Math.max(1, headroom / 4);
    }

    /** @return the replica output buffer's soft limit: half the hard limit */
    static long replicaBufferSoftLimit(long headroom) {
        return Math.max(1, headroom / 8);
    }

    /** @return the replication backlog: 1/8 of the memory above maxmemory */
    static long backlogSize(long headroom) {
        return Math.max(1, headroom / 8);
    }

    static String fileName(Role role) {
        return role.label() + ".conf";
    }

    /**
     * Appends the directives of replication to a role's redis.conf: port, memory, replication timing and
     * buffers, persistence by mode; the {@link ReplicationContribution}'s part of it.
     */
    static void replication(RedisReplicationSpec spec, Role role, StringBuilder conf) {
        line(conf, "port", String.valueOf(ResourceNames.REDIS_PORT));
        line(conf, "bind", "* -::*");
        line(conf, "protected-mode", "no");
        line(conf, "daemonize", "no");
        line(conf, "dir", DATA_DIR);
        line(conf, "tcp-keepalive", String.valueOf(TCP_KEEPALIVE_SECONDS));
        line(conf, "maxmemory", String.valueOf(spec.maxmemoryBytes(role)));
        line(conf, "maxmemory-policy", spec.evictionPolicy());
        line(conf, "replica-read-only", "yes");
        line(conf, "repl-diskless-sync", "yes");
        line(conf, "shutdown-timeout", String.valueOf(SHUTDOWN_TIMEOUT_SECONDS));
        long headroom = spec.memoryHeadroomBytes(role);
        conf.append("# Memory above maxmemory (limit - maxmemory = ").append(headroom).append(" bytes): a replica")
                .append(" that does not read is\n# cut off at 1/4 of it, the backlog takes 1/8, the rest is for")
                .append(" fork copy-on-write and the allocator\n");
        line(conf, "client-output-buffer-limit", "replica " + replicaBufferHardLimit(headroom) + " "
                + replicaBufferSoftLimit(headroom) + " " + REPLICA_BUFFER_SOFT_SECONDS);
        line(conf, "repl-backlog-size", String.valueOf(backlogSize(headroom)));
        conf.append("# A dead master (no RST) is given up after repl-timeout, so replicas re-link within seconds;\n")
                .append("# a full sync starts once every replica asked, or after the delay\n");
        line(conf, "repl-ping-replica-period", String.valueOf(REPL_PING_SECONDS));
        line(conf, "repl-timeout", String.valueOf(REPL_TIMEOUT_SECONDS));
        line(conf, "repl-diskless-sync-delay", String.valueOf(DISKLESS_SYNC_DELAY_SECONDS));
        line(conf, SCALE_HINT, String.valueOf(spec.replicas()));
        if (spec.mode() == Mode.STORAGE) {
            line(conf, "appendonly", "yes");
            line(conf, "appendfsync", "everysec");
            line(conf, "save", "3600 1 300 100 60 10000");
        } else {
            line(conf, "appendonly", "no");
            line(conf, "save", "\"\"");
            conf.append("# A cache keeps no dump: load a full sync straight from the socket into an empty\n")
                    .append("# dataset, and delete the file a sync into a non-empty one needs\n");
            line(conf, "repl-diskless-load", "on-empty-db");
            line(conf, "rdb-del-sync-files", "yes");
        }
    }

    /** Appends {@code directive value} as a line. */
    static void line(StringBuilder conf, String directive, String value) {
        conf.append(directive).append(' ').append(value).append('\n');
    }

    static String script(String name) {
        try (InputStream in = RedisConfig.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + RedisConfig.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * @return {@code text} without the {@value #SCALE_HINT} line: a pod still running the value of an earlier
     *         replica count only waits the diskless-sync delay ({@value #DISKLESS_SYNC_DELAY_SECONDS} s) longer
     *         before a full sync, which is not worth rolling it for; {@code null} stays {@code null}
     */
    static String withoutScaleHints(String text) {
        return text == null ? null : text.replaceAll("(?m)^" + SCALE_HINT + " .*\\R", "");
    }
}
