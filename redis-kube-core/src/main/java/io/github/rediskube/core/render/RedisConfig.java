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
 * redis.conf per role and the pod scripts. Only directives that Redis 7.0+ and Valkey 7.2+ both accept
 * are written; secrets and {@code replicaof} are added at start by the start script.
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

    private RedisConfig() {
    }

    static String fileName(Role role) {
        return role.label() + ".conf";
    }

    static String render(RedisReplicationSpec spec, Role role) {
        StringBuilder conf = new StringBuilder();
        conf.append("# Rendered by redis-kube for ").append(spec.namespace()).append('/').append(spec.name())
                .append(", role ").append(role.label()).append(".\n")
                .append("# The start script includes this file and adds the password and, on replicas, replicaof.\n");
        line(conf, "port", String.valueOf(ResourceNames.REDIS_PORT));
        line(conf, "bind", "* -::*");
        line(conf, "protected-mode", "no");
        line(conf, "daemonize", "no");
        line(conf, "dir", DATA_DIR);
        line(conf, "tcp-keepalive", "60");
        line(conf, "maxmemory", String.valueOf(spec.maxmemoryBytes(role)));
        line(conf, "maxmemory-policy", spec.evictionPolicy());
        line(conf, "replica-read-only", "yes");
        line(conf, "repl-diskless-sync", "yes");
        line(conf, "shutdown-timeout", String.valueOf(SHUTDOWN_TIMEOUT_SECONDS));
        if (spec.mode() == Mode.STORAGE) {
            line(conf, "appendonly", "yes");
            line(conf, "appendfsync", "everysec");
            line(conf, "save", "3600 1 300 100 60 10000");
        } else {
            line(conf, "appendonly", "no");
            line(conf, "save", "\"\"");
        }
        if (!spec.redisConfig().isEmpty()) {
            conf.append("# Directives from the spec\n");
            spec.redisConfig().forEach((directive, value) -> line(conf, directive, value));
        }
        return conf.toString();
    }

    private static void line(StringBuilder conf, String directive, String value) {
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
}
