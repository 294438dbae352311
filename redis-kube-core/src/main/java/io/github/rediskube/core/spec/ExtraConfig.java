package io.github.rediskube.core.spec;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The user's own {@code redis.conf} directives of a {@link RedisReplicationSpec}, by name, sorted. Directives the
 * renderer writes itself, and those that would break the deployment or open it up, are refused.
 *
 * @param directives values by directive name
 */
record ExtraConfig(Map<String, String> directives) {

    /** redis.conf directives the renderer writes itself. */
    static final Set<String> OWNED_DIRECTIVES = Set.of("port", "bind", "protected-mode", "daemonize", "dir",
            "maxmemory", "maxmemory-policy", "appendonly", "appendfsync", "save", "replicaof", "slaveof",
            "masterauth", "masteruser", "requirepass", "replica-announce-ip", "slave-announce-ip",
            "replica-announce-port", "slave-announce-port", "replica-read-only", "slave-read-only",
            "shutdown-timeout", "repl-diskless-sync", "tcp-keepalive", "repl-backlog-size");

    /** Directives that {@link SentinelSpec} renders, so a Sentinel spec owns them too. */
    static final Set<String> SENTINEL_DIRECTIVES = Set.of("min-replicas-to-write", "min-slaves-to-write",
            "min-replicas-max-lag", "min-slaves-max-lag", "replica-priority", "slave-priority");

    /** redis.conf directives that would break the deployment or open it up; never accepted. */
    static final Set<String> DANGEROUS_DIRECTIVES = Set.of("dbfilename", "appendfilename", "appenddirname",
            "include", "loadmodule", "rename-command", "enable-debug-command", "enable-module-command",
            "enable-protected-configs", "logfile", "pidfile", "supervised", "unixsocket",
            "unixsocketperm", "cluster-enabled", "cluster-config-file");

    /**
     * TLS directives {@link Tls} renders, or that name ports and files the pods do not have: refused with or without
     * TLS (the ciphers, protocols and session settings stay open to {@code config(..)}).
     */
    static final Set<String> TLS_DIRECTIVES = Set.of("tls-port", "tls-cert-file", "tls-key-file", "tls-ca-cert-file",
            "tls-ca-cert-dir", "tls-client-cert-file", "tls-client-key-file", "tls-dh-params-file", "tls-replication",
            "tls-auth-clients", "tls-cluster");

    /** ACL directives: a user defined beside the managed password could let clients in without it. */
    static final Set<String> ACL_DIRECTIVES = Set.of("user", "aclfile");

    ExtraConfig {
        directives = ExtraMetadata.sorted(directives);
    }

    void check(Checks checks) {
        directives.forEach((directive, value) -> {
            String key = directive.toLowerCase(Locale.ROOT);
            if (!checks.require(key.matches("[a-z][a-z0-9-]{0,63}"), "config directive", directive,
                    "must be a redis.conf directive name (letters, digits and '-')",
                    "use e.g. config(\"hz\", \"20\")")) {
                return;
            }
            checks.require(!OWNED_DIRECTIVES.contains(key), "config directive", directive,
                    "is owned by redis-kube (it renders it from the spec)",
                    "use the spec's own setting (mode, evictionPolicy, maxmemory, auth, ...) instead");
            checks.require(!"client-output-buffer-limit".equals(key) || value == null
                            || !value.strip().toLowerCase(Locale.ROOT).matches("(replica|slave)\\b.*"),
                    "config[" + directive + "]", value,
                    "is owned by redis-kube for the replica class (sized to fit the memory above maxmemory)",
                    "set only the normal or pubsub class, or change memoryLimit/maxmemoryShare");
            checks.require(!TLS_DIRECTIVES.contains(key), "config directive", directive,
                    "is owned by redis-kube (TLS ports, files and who must present certificates come from tls(..))",
                    "use tls(t -> t.secret(\"orders-tls\").authClients(..)) instead");
            checks.require(!DANGEROUS_DIRECTIVES.contains(key), "config directive", directive,
                    "is refused: it would move files, load code or change commands inside the pod",
                    "remove it");
            checks.require(!ACL_DIRECTIVES.contains(key), "config directive", directive,
                    "is refused: ACL users defined beside the managed password could reach Redis without it",
                    "remove it; the password comes from auth(...)");
            checks.require(!"sentinel".equals(key), "config directive", directive,
                    "is refused: Sentinel directives belong in sentinel.conf, redis-server refuses them in redis.conf",
                    "use sentinel(s -> s.downAfter(..).quorum(..)) instead");
            ConfigValues.check(checks, directive, key, value);
        });
    }
}
