package io.github.rediskube.core.spec;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Validates a {@link RedisReplicationSpec}: its own fields (name, namespace, cluster domain), then each part by its
 * own {@code check(Checks)}, then the rules that relate two parts, all in one {@link Checks} so that one exception
 * lists every problem. The rules that relate two parts live here and nowhere else.
 */
final class SpecChecks {

    /** Label keys the library sets itself; user labels may not change them (selectors depend on them). */
    static final Set<String> OWNED_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component", "app.kubernetes.io/managed-by");

    /**
     * The prefix of the label and annotation keys of the library's own (the Sentinel role label the Services
     * select on, the client label, the config, password and applied hashes): {@link LabelKeys#PREFIX}.
     */
    static final String OWNED_KEY_PREFIX = LabelKeys.PREFIX;

    private SpecChecks() {
    }

    static void validate(RedisReplicationSpec spec) {
        Checks checks = new Checks();
        checkName(checks, spec.name());
        checks.require(Names.isDnsLabel(spec.namespace()), "namespace", spec.namespace(),
                "must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
                "use e.g. namespace(\"tenant-a\")");
        checks.require(spec.clusterDomain() != null && Names.isDnsSubdomain(spec.clusterDomain()), "clusterDomain",
                spec.clusterDomain(), "must be a DNS domain", "use the cluster's domain, usually \"cluster.local\"");
        spec.extraMetadata().check(checks);
        spec.image().check(checks);
        spec.sizing().check(checks);
        spec.persistence().check(checks);
        spec.access().check(checks);
        spec.extraConfig().check(checks);
        spec.scheduling().check(checks);
        SentinelSpec sentinel = spec.sentinel();
        if (sentinel != null) {
            sentinel.check(checks);
            checkWithSentinel(checks, sentinel, spec);
        }
        Metrics metrics = spec.metrics();
        if (metrics != null) {
            metrics.check(checks);
        }
        Placement placement = spec.placement();
        if (placement != null) {
            placement.check(checks);
        }
        checks.throwIfAny("RedisReplicationSpec" + (spec.name() == null ? "" : " \"" + spec.name() + "\""));
    }

    /** Records a problem if {@code value} is {@code null}: {@code "<field> is required, was null: set <field>(..)"}. */
    static boolean notNull(Checks checks, String field, @Nullable Object value) {
        return checks.require(value != null, field, null, "is required", "set " + field + "(..) or keep its default");
    }

    /**
     * What Sentinel asks of the rest of the spec: replicas to promote, pods that fit either role (roles move: a
     * replica promoted runs the master's redis.conf, its maxmemory), and the directives it renders left to it.
     */
    private static void checkWithSentinel(Checks checks, SentinelSpec sentinel, RedisReplicationSpec spec) {
        int replicas = spec.replicas();
        checks.require(replicas >= 1, "replicas", replicas,
                "must be at least 1 with Sentinel (failover promotes a replica)", "set replicas(n) with n >= 1");
        checks.require(sentinel.parallelSyncs() >= 1 && sentinel.parallelSyncs() <= Math.max(1, replicas),
                "sentinel.parallelSyncs", sentinel.parallelSyncs(), "must be between 1 and replicas (" + replicas + ")",
                "use parallelSyncs(1)");
        checks.require(sentinel.minReplicasToWrite() >= 0 && sentinel.minReplicasToWrite() <= replicas,
                "sentinel.minReplicasToWrite", sentinel.minReplicasToWrite(),
                "must be between 0 and replicas (" + replicas + "), or the master refuses every write",
                "use minReplicasToWrite(1), or 0 to turn it off");
        checkEqualResources(checks, spec.master(), spec.replica());
        spec.redisConfig().keySet().stream()
                .filter(d -> ExtraConfig.SENTINEL_DIRECTIVES.contains(d.toLowerCase(Locale.ROOT)))
                .forEach(d -> checks.require(false, "config directive", d,
                        "is owned by redis-kube when Sentinel is on",
                        "use sentinel(s -> s.minReplicasToWrite(..).minReplicasMaxLag(..)) instead"));
    }

    /** With Sentinel a pod sized as a replica may become the master: master and replicas must be the same size. */
    private static void checkEqualResources(Checks checks, NodeResources master, NodeResources replica) {
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

    private static void checkSame(Checks checks, String field, @Nullable String replica, @Nullable String master,
                                  String rule, String fix) {
        boolean same = Quantities.isPositive(replica) && Quantities.isPositive(master)
                ? Quantities.amount(replica).compareTo(Quantities.amount(master)) == 0
                : Objects.equals(replica, master);
        String masterField = field.substring(field.indexOf('.') + 1);
        checks.require(same, field, replica, String.format(rule, masterField, Checks.show(master)), fix);
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
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        return cleaned.isEmpty() ? "orders" : cleaned;
    }
}
