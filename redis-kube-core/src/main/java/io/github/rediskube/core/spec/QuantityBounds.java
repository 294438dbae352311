package io.github.rediskube.core.spec;

import java.math.BigDecimal;

/**
 * The one set of bounds of every quantity a {@link RedisReplicationSpec} or a {@link TenantSpec} takes, so that
 * what one accepts the other accepts too, and every accepted value renders (Redis' {@code maxmemory} is a 64-bit
 * byte count: {@code 12Ei} would overflow it).
 */
enum QuantityBounds {

    /** A Redis pod's memory limit or request, and a tenant's largest pod. */
    POD_MEMORY("8Mi", "Redis itself needs a few MiB", "64Ti", "more memory than any node has"),
    /** An explicit {@code maxmemory}; also at most a share of the memory limit (checked with the spec). */
    MAXMEMORY("1Mi", "Redis needs room for its keys", "64Ti", "more memory than any node has"),
    /** A Redis pod's CPU request or limit. */
    POD_CPU("1m", "Kubernetes' CPU resolution is 1m", "4096", "more cores than any node has"),
    /** The volume of one Redis pod. */
    VOLUME("64Mi", "an RDB and an AOF need room", "64Ti", "the largest cloud volumes are 64Ti"),
    /** A tenant's total memory: at least one pod's. */
    TENANT_MEMORY("8Mi", "the smallest Redis pod", "1Ei", "far beyond any cluster"),
    /** A tenant's total CPU requests. */
    TENANT_CPU("1m", "Kubernetes' CPU resolution is 1m", "1M", "far beyond any cluster"),
    /** A tenant's total storage: at least one volume's. */
    TENANT_STORAGE("64Mi", "the smallest Redis volume", "1Ei", "far beyond any cluster");

    private final String min;
    private final String minReason;
    private final String max;
    private final String maxReason;

    QuantityBounds(String min, String minReason, String max, String maxReason) {
        this.min = min;
        this.minReason = minReason;
        this.max = max;
        this.maxReason = maxReason;
    }

    /** @return the smallest accepted quantity, e.g. {@code "8Mi"} */
    String min() {
        return min;
    }

    /** @return the largest accepted quantity, e.g. {@code "64Ti"} */
    String max() {
        return max;
    }

    /**
     * Checks an optional quantity: {@code null} passes; anything else must parse and lie within these bounds.
     *
     * @param fix how to fix it, e.g. {@code "use e.g. memoryLimit(\"1Gi\")"}
     * @return whether the value is present and good (dependent checks may use its amount)
     */
    boolean check(Checks checks, String field, String value, String fix) {
        if (value == null) {
            return false;
        }
        if (!checks.require(Quantities.isPositive(value), field, value, "must be a positive Kubernetes quantity",
                fix)) {
            return false;
        }
        BigDecimal amount = Quantities.amount(value);
        return checks.require(amount.compareTo(Quantities.amount(min)) >= 0, field, value,
                "must be at least " + min + " (" + minReason + ")", fix)
                && checks.require(amount.compareTo(Quantities.amount(max)) <= 0, field, value,
                "must be at most " + max + " (" + maxReason + ")", fix);
    }

    /** Checks a required quantity: as {@link #check}, and {@code null} is a problem. */
    boolean checkRequired(Checks checks, String field, String value, String fix) {
        return checks.require(value != null, field, null, "is required", fix) && check(checks, field, value, fix);
    }
}
