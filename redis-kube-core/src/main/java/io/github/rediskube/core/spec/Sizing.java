package io.github.rediskube.core.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/**
 * How many Redis pods a {@link RedisReplicationSpec} runs and how big: the replica count, each role's resources
 * and Redis' {@code maxmemory}, explicit or a share of the memory limit.
 *
 * @param replicas       number of replica pods (0 to {@value RedisReplicationSpec#MAX_REPLICAS})
 * @param master         resources of the master pod
 * @param replica        resources of each replica pod
 * @param maxmemoryShare share of each pod's memory limit given to {@code maxmemory}
 * @param maxmemory      explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it
 */
record Sizing(int replicas, NodeResources master, NodeResources replica, double maxmemoryShare,
              @Nullable String maxmemory) {

    /** Smallest share of the memory limit for maxmemory. */
    static final double MIN_MAXMEMORY_SHARE = 0.05;
    /** Largest share of the memory limit for maxmemory, explicit or derived: the rest is headroom. */
    static final double MAX_MAXMEMORY_SHARE = 0.95;

    NodeResources resources(Role role) {
        return role == Role.MASTER ? master : replica;
    }

    long maxmemoryBytes(Role role) {
        if (maxmemory != null) {
            return Quantities.amount(maxmemory).setScale(0, RoundingMode.DOWN).longValueExact();
        }
        BigDecimal limit = Quantities.amount(resources(role).memoryLimit());
        return limit.multiply(BigDecimal.valueOf(maxmemoryShare)).setScale(0, RoundingMode.DOWN).longValueExact();
    }

    long memoryHeadroomBytes(Role role) {
        BigDecimal limit = Quantities.amount(resources(role).memoryLimit()).setScale(0, RoundingMode.DOWN);
        return limit.longValueExact() - maxmemoryBytes(role);
    }

    void check(Checks checks) {
        checks.require(replicas >= 0 && replicas <= RedisReplicationSpec.MAX_REPLICAS, "replicas", replicas,
                "must be between 0 and " + RedisReplicationSpec.MAX_REPLICAS,
                "set replicas(n) with 0 <= n <= " + RedisReplicationSpec.MAX_REPLICAS);
        master.check(checks, "master");
        replica.check(checks, "replica");
        checks.require(maxmemoryShare >= MIN_MAXMEMORY_SHARE && maxmemoryShare <= MAX_MAXMEMORY_SHARE,
                "maxmemoryShare", maxmemoryShare, "must be between " + MIN_MAXMEMORY_SHARE + " and "
                        + MAX_MAXMEMORY_SHARE + " (Redis needs headroom above maxmemory for buffers and forks)",
                "use e.g. maxmemoryShare(0.75)");
        if (QuantityBounds.MAXMEMORY.check(checks, "maxmemory", maxmemory,
                "use e.g. maxmemory(\"64Mi\"), or none to derive it from the memory limit")) {
            BigDecimal bytes = Quantities.amount(maxmemory);
            checkBelowLimit(checks, "master", master, maxmemory, bytes);
            checkBelowLimit(checks, "replica", replica, maxmemory, bytes);
        }
        if (replicas > 0 && master.hasValidMemoryLimit() && replica.hasValidMemoryLimit()) {
            checks.require(Quantities.amount(replica.memoryLimit()).compareTo(Quantities.amount(master.memoryLimit()))
                            >= 0, "replica.memoryLimit", replica.memoryLimit(),
                    "must be at least master.memoryLimit " + Checks.show(master.memoryLimit())
                            + " (a replica holds the master's whole dataset and would be OOM-killed)",
                    "raise replica.memoryLimit, or leave replica(..) unset to use the master's resources");
        }
    }

    /** An explicit maxmemory gets the same headroom as a derived one: at most the largest share of the limit. */
    private static void checkBelowLimit(Checks checks, String role, NodeResources resources, String maxmemory,
                                        BigDecimal bytes) {
        if (resources.hasValidMemoryLimit()) {
            BigDecimal cap = Quantities.amount(resources.memoryLimit())
                    .multiply(BigDecimal.valueOf(MAX_MAXMEMORY_SHARE)).setScale(0, RoundingMode.DOWN);
            checks.require(bytes.compareTo(cap) <= 0, "maxmemory", maxmemory,
                    "must not exceed " + Math.round(MAX_MAXMEMORY_SHARE * 100) + "% of " + role + ".memoryLimit "
                            + Checks.show(resources.memoryLimit()) + " (" + cap.toPlainString()
                            + " bytes; Redis needs headroom above maxmemory for buffers and forks)",
                    "lower maxmemory or raise " + role + ".memoryLimit");
        }
    }
}
