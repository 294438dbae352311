package io.github.rediskube.core.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;

/** Every rule of {@link RedisReplicationSpec}, checked at once so that one exception lists all problems. */
final class SpecChecks {

    /** Label keys the library sets itself; user labels may not change them (selectors depend on them). */
    static final Set<String> OWNED_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component", "app.kubernetes.io/managed-by");

    /**
     * The prefix of the label and annotation keys of the library's own (the Sentinel role label the Services
     * select on, the client label, the config, password and applied hashes): {@link LabelKeys#PREFIX}.
     */
    static final String OWNED_KEY_PREFIX = LabelKeys.PREFIX;

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

    /** ACL directives: a user defined beside the managed password could let clients in without it. */
    static final Set<String> ACL_DIRECTIVES = Set.of("user", "aclfile");

    /** Smallest share of the memory limit for maxmemory. */
    static final double MIN_MAXMEMORY_SHARE = 0.05;
    /** Largest share of the memory limit for maxmemory, explicit or derived: the rest is headroom. */
    static final double MAX_MAXMEMORY_SHARE = 0.95;

    static final Set<String> EVICTION_POLICIES = Set.of("noeviction", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl");

    private SpecChecks() {
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    static void validate(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
                         Image image, int replicas, NodeResources master, NodeResources replica, double maxmemoryShare,
                         String maxmemory, Mode mode, String evictionPolicy, Storage storage, Exposure exposure,
                         Auth auth, NetworkAccess networkAccess, Map<String, String> redisConfig,
                         Scheduling scheduling, String clusterDomain, SentinelSpec sentinel,
                         Metrics metrics) {
        Checks checks = new Checks();
        checkName(checks, name);
        checks.require(Names.isDnsLabel(namespace), "namespace", namespace,
                "must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
                "use e.g. namespace(\"tenant-a\")");
        checks.require(clusterDomain != null && Names.isDnsSubdomain(clusterDomain), "clusterDomain", clusterDomain,
                "must be a DNS domain", "use the cluster's domain, usually \"cluster.local\"");
        checkLabels(checks, labels);
        checkAnnotations(checks, annotations);
        if (notNull(checks, "image", image)) {
            image.check(checks);
        }
        checks.require(replicas >= 0 && replicas <= RedisReplicationSpec.MAX_REPLICAS, "replicas", replicas,
                "must be between 0 and " + RedisReplicationSpec.MAX_REPLICAS,
                "set replicas(n) with 0 <= n <= " + RedisReplicationSpec.MAX_REPLICAS);
        if (notNull(checks, "master", master)) {
            master.check(checks, "master");
        }
        if (notNull(checks, "replica", replica)) {
            replica.check(checks, "replica");
        }
        checkMemory(checks, master, replica, maxmemoryShare, maxmemory);
        if (master != null && replica != null && replicas > 0 && master.hasValidMemoryLimit()
                && replica.hasValidMemoryLimit()) {
            checks.require(Quantities.amount(replica.memoryLimit()).compareTo(Quantities.amount(master.memoryLimit()))
                            >= 0, "replica.memoryLimit", replica.memoryLimit(),
                    "must be at least master.memoryLimit " + Checks.show(master.memoryLimit())
                            + " (a replica holds the master's whole dataset and would be OOM-killed)",
                    "raise replica.memoryLimit, or leave replica(..) unset to use the master's resources");
        }
        checkMode(checks, mode, evictionPolicy, storage);
        if (notNull(checks, "exposure", exposure)) {
            exposure.check(checks);
        }
        if (notNull(checks, "auth", auth)) {
            auth.check(checks);
            if (exposure != null && exposure.type() != null && exposure.outsideCluster() && !auth.enabled()) {
                checks.fail("auth must be enabled when exposure is " + exposure.type()
                        + ", was disabled: a Redis without a password on a " + exposure.type().kubernetesName()
                        + " Service is open to anyone who reaches a node; keep Auth.generated() or use"
                        + " exposure(Exposure.clusterIp())");
            }
        }
        if (notNull(checks, "networkAccess", networkAccess)) {
            networkAccess.check(checks);
        }
        checkRedisConfig(checks, redisConfig);
        if (notNull(checks, "scheduling", scheduling)) {
            scheduling.check(checks);
        }
        if (sentinel != null) {
            sentinel.check(checks, replicas);
            checkEqualResources(checks, master, replica);
            if (redisConfig != null) {
                redisConfig.keySet().stream().filter(d -> d != null
                                && SENTINEL_DIRECTIVES.contains(d.toLowerCase(java.util.Locale.ROOT)))
                        .forEach(d -> checks.require(false, "config directive", d,
                                "is owned by redis-kube when Sentinel is on",
                                "use sentinel(s -> s.minReplicasToWrite(..).minReplicasMaxLag(..)) instead"));
            }
        }
        if (metrics != null) {
            metrics.check(checks);
        }
        checks.throwIfAny("RedisReplicationSpec" + (name == null ? "" : " \"" + name + "\""));
    }

    /**
     * With Sentinel roles move: a replica promoted runs the master's redis.conf (its maxmemory), and a pod
     * sized as a replica may become the master. Master and replicas must be the same size.
     */
    private static void checkEqualResources(Checks checks, NodeResources master, NodeResources replica) {
        if (master == null || replica == null) {
            return;
        }
        String fix = "with Sentinel set master and replicas together with resources(r -> r.memoryLimit(..)),"
                + " or leave replica(..) unset";
        String rule = "must equal the master's %s %s with Sentinel (a failover makes a replica the master and"
                + " the master a replica: each pod must fit either role's maxmemory and dataset)";
        checkSame(checks, "replica.cpuRequest", replica.cpuRequest(), master.cpuRequest(), rule, fix);
        checkSame(checks, "replica.cpuLimit", replica.cpuLimit(), master.cpuLimit(), rule, fix);
        checkSame(checks, "replica.memoryRequest", replica.effectiveMemoryRequest(), master.effectiveMemoryRequest(),
                rule, fix);
        checkSame(checks, "replica.memoryLimit", replica.memoryLimit(), master.memoryLimit(), rule, fix);
    }

    private static void checkSame(Checks checks, String field, String replica, String master, String rule,
                                  String fix) {
        boolean same = Quantities.isPositive(replica) && Quantities.isPositive(master)
                ? Quantities.amount(replica).compareTo(Quantities.amount(master)) == 0
                : java.util.Objects.equals(replica, master);
        String masterField = field.substring(field.indexOf('.') + 1);
        checks.require(same, field, replica, String.format(rule, masterField, Checks.show(master)), fix);
    }

    private static boolean notNull(Checks checks, String field, Object value) {
        return checks.require(value != null, field, null, "is required", "set " + field + "(..) or keep its default");
    }

    private static void checkName(Checks checks, String name) {
        if (!checks.require(name != null && !name.isEmpty(), "name", name, "is required",
                "pass a name to RedisKube.replication(\"orders\")")) {
            return;
        }
        if (checks.require(name.length() <= RedisReplicationSpec.MAX_NAME_LENGTH, "name", name,
                "must be at most " + RedisReplicationSpec.MAX_NAME_LENGTH + " characters (it has " + name.length()
                        + ") so that derived names such as \"" + "<name>-replica-31\" and the StatefulSet"
                        + " revision label fit Kubernetes' 63-character limit",
                "use a shorter name")) {
            checks.require(Names.isDns1035Label(name), "name", name,
                    "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and"
                            + " ending with a letter or digit (it names Services)",
                    "use e.g. \"" + suggestName(name) + "\"");
        }
    }

    private static String suggestName(String name) {
        String cleaned = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        return cleaned.isEmpty() ? "orders" : cleaned;
    }

    private static void checkLabels(Checks checks, Map<String, String> labels) {
        if (!notNull(checks, "labels", labels)) {
            return;
        }
        labels.forEach((key, value) -> {
            if (checks.require(Names.isQualifiedKey(key), "label key", key,
                    "must be a qualified name ([prefix/]name, name at most 63 characters)",
                    "use e.g. \"team\" or \"example.com/team\"")) {
                checks.require(!OWNED_LABELS.contains(key) && !key.startsWith(OWNED_KEY_PREFIX), "label key", key,
                        "is set by redis-kube (selectors depend on it; keys " + OWNED_KEY_PREFIX + "* and "
                                + OWNED_LABELS.stream().sorted().toList() + " are its own)", "choose another key");
            }
            checks.require(Names.isLabelValue(value), "labels[" + key + "]", value,
                    "must be a label value (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)",
                    "use e.g. \"payments\"");
        });
    }

    private static void checkAnnotations(Checks checks, Map<String, String> annotations) {
        if (!notNull(checks, "annotations", annotations)) {
            return;
        }
        int size = 0;
        for (Map.Entry<String, String> entry : annotations.entrySet()) {
            if (checks.require(Names.isQualifiedKey(entry.getKey()), "annotation key", entry.getKey(),
                    "must be a qualified name ([prefix/]name)", "use e.g. \"example.com/owner\"")) {
                checks.require(!entry.getKey().startsWith(OWNED_KEY_PREFIX), "annotation key", entry.getKey(),
                        "is set by redis-kube (keys " + OWNED_KEY_PREFIX + "* hold its config and applied hashes)",
                        "choose another key");
            }
            checks.require(entry.getValue() != null, "annotations[" + entry.getKey() + "]", null, "must not be null",
                    "use an empty string");
            size += (entry.getKey() == null ? 0 : entry.getKey().length())
                    + (entry.getValue() == null ? 0 : entry.getValue().length());
        }
        checks.require(size <= 256 * 1024, "annotations", size + " bytes", "must total at most 256 KiB",
                "store large data in a ConfigMap instead");
    }

    private static void checkMemory(Checks checks, NodeResources master, NodeResources replica, double share,
                                    String maxmemory) {
        checks.require(share >= MIN_MAXMEMORY_SHARE && share <= MAX_MAXMEMORY_SHARE, "maxmemoryShare", share,
                "must be between " + MIN_MAXMEMORY_SHARE + " and " + MAX_MAXMEMORY_SHARE
                        + " (Redis needs headroom above maxmemory for buffers and forks)",
                "use e.g. maxmemoryShare(0.75)");
        if (QuantityBounds.MAXMEMORY.check(checks, "maxmemory", maxmemory,
                "use e.g. maxmemory(\"64Mi\"), or none to derive it from the memory limit")) {
            BigDecimal bytes = Quantities.amount(maxmemory);
            checkBelowLimit(checks, "master", master, maxmemory, bytes);
            checkBelowLimit(checks, "replica", replica, maxmemory, bytes);
        }
    }

    /** An explicit maxmemory gets the same headroom as a derived one: at most the largest share of the limit. */
    private static void checkBelowLimit(Checks checks, String role, NodeResources resources, String maxmemory,
                                        BigDecimal bytes) {
        if (resources != null && resources.hasValidMemoryLimit()) {
            BigDecimal cap = Quantities.amount(resources.memoryLimit())
                    .multiply(BigDecimal.valueOf(MAX_MAXMEMORY_SHARE)).setScale(0, RoundingMode.DOWN);
            checks.require(bytes.compareTo(cap) <= 0, "maxmemory", maxmemory,
                    "must not exceed " + Math.round(MAX_MAXMEMORY_SHARE * 100) + "% of " + role + ".memoryLimit "
                            + Checks.show(resources.memoryLimit()) + " (" + cap.toPlainString()
                            + " bytes; Redis needs headroom above maxmemory for buffers and forks)",
                    "lower maxmemory or raise " + role + ".memoryLimit");
        }
    }

    private static void checkMode(Checks checks, Mode mode, String evictionPolicy, Storage storage) {
        if (!notNull(checks, "mode", mode)) {
            return;
        }
        checks.require(evictionPolicy != null && EVICTION_POLICIES.contains(evictionPolicy), "evictionPolicy",
                evictionPolicy,
                "must be one of " + EVICTION_POLICIES.stream().sorted().toList(),
                "use e.g. evictionPolicy(\"allkeys-lru\")");
        if (mode == Mode.CACHE) {
            checks.require(storage == null, "storage", storage,
                    "must be empty in CACHE mode (a cache keeps no volumes)",
                    "drop storage(..) or use mode(Mode.STORAGE)");
        } else if (checks.require(storage != null, "storage", null, "is required in STORAGE mode",
                "use storage(s -> s.size(\"10Gi\"))")) {
            storage.check(checks);
        }
    }

    private static void checkRedisConfig(Checks checks, Map<String, String> config) {
        if (!notNull(checks, "redisConfig", config)) {
            return;
        }
        config.forEach((directive, value) -> {
            String key = directive == null ? null : directive.toLowerCase(java.util.Locale.ROOT);
            if (!checks.require(key != null && key.matches("[a-z][a-z0-9-]{0,63}"), "config directive", directive,
                    "must be a redis.conf directive name (letters, digits and '-')", "use e.g. config(\"hz\", \"20\")")) {
                return;
            }
            checks.require(!OWNED_DIRECTIVES.contains(key), "config directive", directive,
                    "is owned by redis-kube (it renders it from the spec)",
                    "use the spec's own setting (mode, evictionPolicy, maxmemory, auth, ...) instead");
            checks.require(!"client-output-buffer-limit".equals(key) || value == null
                            || !value.strip().toLowerCase(java.util.Locale.ROOT).matches("(replica|slave)\\b.*"),
                    "config[" + directive + "]", value,
                    "is owned by redis-kube for the replica class (sized to fit the memory above maxmemory)",
                    "set only the normal or pubsub class, or change memoryLimit/maxmemoryShare");
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
