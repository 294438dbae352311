package io.github.rediskube.core.spec;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Automatic failover with Redis Sentinel: a StatefulSet of Sentinels watches the master and promotes a
 * replica when it dies; Redis pods that (re)start ask the Sentinels whom to follow, so an ex-master
 * comes back as a replica and never as an empty master.
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .replicas(2)
 *     .sentinel(s -> s.sentinels(3).downAfter(Duration.ofSeconds(5)).minReplicasToWrite(1))
 *     .build();
 * }</pre>
 *
 * @param sentinels          number of Sentinel pods: odd, {@value #MIN_SENTINELS} to {@value #MAX_SENTINELS}
 * @param quorum             Sentinels that must agree the master is down (a majority still has to authorize
 *                           the failover); default the majority
 * @param downAfter          how long the master may be unreachable before it counts as down
 *                           ({@code down-after-milliseconds})
 * @param failoverTimeout    Sentinel's {@code failover-timeout}
 * @param parallelSyncs      replicas that resync from a new master at once ({@code parallel-syncs})
 * @param minReplicasToWrite the master refuses writes unless this many replicas are linked
 *                           ({@code min-replicas-to-write}); 0 turns it off
 * @param minReplicasMaxLag  how far (whole seconds) a replica may lag and still count ({@code min-replicas-max-lag})
 * @param labelerImage       image of the sidecar that keeps each Redis pod's role label current; it needs
 *                           {@code sh} and {@code kubectl}
 */
public record SentinelSpec(int sentinels, int quorum, Duration downAfter, Duration failoverTimeout, int parallelSyncs,
                           int minReplicasToWrite, Duration minReplicasMaxLag, String labelerImage) {

    /** Fewest Sentinels: fewer cannot form a majority that survives the loss of one. */
    public static final int MIN_SENTINELS = 3;
    /** Most Sentinels. */
    public static final int MAX_SENTINELS = 7;
    /** Port every Sentinel listens on. */
    public static final int SENTINEL_PORT = 26379;
    /** {@code down-after-milliseconds} when none is set. */
    public static final Duration DEFAULT_DOWN_AFTER = Duration.ofSeconds(5);
    /** {@code failover-timeout} when none is set. */
    public static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    /**
     * {@code min-replicas-to-write} when none is set: a master accepts writes only while a replica is linked
     * and at most {@link #DEFAULT_MIN_REPLICAS_MAX_LAG} behind, so a master cut off from its replicas (the one a
     * failover is about to replace) stops acknowledging writes it would lose. The cost: a master alone (every
     * replica down or resyncing) refuses writes. {@code minReplicasToWrite(0)} turns it off.
     */
    public static final int DEFAULT_MIN_REPLICAS_TO_WRITE = 1;
    /** {@code min-replicas-max-lag} when none is set. */
    public static final Duration DEFAULT_MIN_REPLICAS_MAX_LAG = Duration.ofSeconds(10);
    /** Pinned default image of the role-label sidecar (has sh and kubectl); overridable. */
    public static final String DEFAULT_LABELER_IMAGE = "docker.io/alpine/k8s:1.31.4";

    /**
     * The defaults: 3 Sentinels, quorum 2, down after 5 s, failover timeout 60 s, 1 parallel sync, writes need
     * 1 replica at most 10 s behind.
     */
    public static final SentinelSpec DEFAULT = builder().build();

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this value's fields (a default quorum stays "the majority") */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.sentinels = sentinels;
        builder.quorum = quorum == majority(sentinels) ? null : quorum;
        builder.downAfter = downAfter;
        builder.failoverTimeout = failoverTimeout;
        builder.parallelSyncs = parallelSyncs;
        builder.minReplicasToWrite = minReplicasToWrite;
        builder.minReplicasMaxLag = minReplicasMaxLag;
        builder.labelerImage = labelerImage;
        return builder;
    }

    /** @return {@code down-after-milliseconds} as rendered */
    public long downAfterMillis() {
        return downAfter.toMillis();
    }

    /** @return {@code failover-timeout} in milliseconds, as rendered */
    public long failoverTimeoutMillis() {
        return failoverTimeout.toMillis();
    }

    /** @return {@code min-replicas-max-lag} in seconds, as rendered */
    public long minReplicasMaxLagSeconds() {
        return minReplicasMaxLag.toSeconds();
    }

    /** @return the majority of the Sentinels, the number that must authorize a failover */
    public int majority() {
        return majority(sentinels);
    }

    static int majority(int sentinels) {
        return sentinels / 2 + 1;
    }

    /** Its own rules; what it asks of the rest of the spec (replicas, equal pods) is checked with the spec. */
    void check(Checks checks) {
        checks.require(sentinels >= MIN_SENTINELS && sentinels <= MAX_SENTINELS && sentinels % 2 == 1,
                "sentinel.sentinels", sentinels,
                "must be odd and between " + MIN_SENTINELS + " and " + MAX_SENTINELS
                        + " (a majority must survive the loss of a Sentinel)",
                "use sentinels(3) or sentinels(5)");
        checks.require(quorum >= 1 && quorum <= sentinels, "sentinel.quorum", quorum,
                "must be between 1 and the number of Sentinels (" + sentinels + ")",
                "leave it unset for the majority (" + majority(sentinels) + ")");
        if (checks.require(downAfter != null, "sentinel.downAfter", null, "is required",
                "use downAfter(Duration.ofSeconds(5))")) {
            checks.require(downAfter.toMillis() >= 100 && downAfter.compareTo(Duration.ofHours(1)) <= 0,
                    "sentinel.downAfter", downAfter,
                    "must be between 100 ms and 1 h (shorter fails over on every network hiccup)",
                    "use e.g. downAfter(Duration.ofSeconds(5))");
        }
        if (checks.require(failoverTimeout != null, "sentinel.failoverTimeout", null, "is required",
                "use failoverTimeout(Duration.ofSeconds(60))")) {
            checks.require(failoverTimeout.toMillis() >= 1000, "sentinel.failoverTimeout", failoverTimeout,
                    "must be at least 1 s", "use e.g. failoverTimeout(Duration.ofSeconds(60))");
        }
        if (checks.require(minReplicasMaxLag != null, "sentinel.minReplicasMaxLag", null, "is required",
                "use minReplicasMaxLag(Duration.ofSeconds(10))")) {
            checks.require(minReplicasMaxLag.toMillis() >= 1000 && minReplicasMaxLag.toMillis() % 1000 == 0,
                    "sentinel.minReplicasMaxLag", minReplicasMaxLag, "must be whole seconds, at least 1 s",
                    "use e.g. minReplicasMaxLag(Duration.ofSeconds(10))");
        }
        ImageReferences.check(checks, "sentinel.labelerImage", labelerImage,
                "labelerImage(\"" + DEFAULT_LABELER_IMAGE + "\")");
    }

    /** Builds a {@link SentinelSpec}; validated with the spec it belongs to. */
    public static final class Builder {
        private int sentinels = MIN_SENTINELS;
        private @Nullable Integer quorum;
        private Duration downAfter = DEFAULT_DOWN_AFTER;
        private Duration failoverTimeout = DEFAULT_FAILOVER_TIMEOUT;
        private int parallelSyncs = 1;
        private int minReplicasToWrite = DEFAULT_MIN_REPLICAS_TO_WRITE;
        private Duration minReplicasMaxLag = DEFAULT_MIN_REPLICAS_MAX_LAG;
        private String labelerImage = DEFAULT_LABELER_IMAGE;

        private Builder() {
        }

        /**
         * @param count Sentinel pods, odd, 3 to 7; default 3
         * @return this builder
         */
        public Builder sentinels(int count) {
            this.sentinels = count;
            return this;
        }

        /**
         * @param count Sentinels that must agree the master is down; default the majority
         * @return this builder
         */
        public Builder quorum(int count) {
            this.quorum = count;
            return this;
        }

        /**
         * @param value {@code down-after-milliseconds}, at least 100 ms; default 5 s
         * @return this builder
         */
        public Builder downAfter(Duration value) {
            this.downAfter = value;
            return this;
        }

        /**
         * @param value {@code failover-timeout}, at least 1 s; default 60 s
         * @return this builder
         */
        public Builder failoverTimeout(Duration value) {
            this.failoverTimeout = value;
            return this;
        }

        /**
         * @param count replicas resyncing from a new master at once; default 1
         * @return this builder
         */
        public Builder parallelSyncs(int count) {
            this.parallelSyncs = count;
            return this;
        }

        /**
         * @param count linked replicas the master needs to accept writes, 0 (off) to replicas; default
         *              {@value #DEFAULT_MIN_REPLICAS_TO_WRITE}: a master alone refuses writes
         * @return this builder
         */
        public Builder minReplicasToWrite(int count) {
            this.minReplicasToWrite = count;
            return this;
        }

        /**
         * @param value lag (whole seconds) under which a replica counts for {@code min-replicas-to-write}; default 10 s
         * @return this builder
         */
        public Builder minReplicasMaxLag(Duration value) {
            this.minReplicasMaxLag = value;
            return this;
        }

        /**
         * @param reference image of the role-label sidecar (needs sh and kubectl); default
         *                  {@value #DEFAULT_LABELER_IMAGE}
         * @return this builder
         */
        public Builder labelerImage(String reference) {
            this.labelerImage = reference;
            return this;
        }

        /** @return the value, the quorum resolved to the majority when unset */
        public SentinelSpec build() {
            return new SentinelSpec(sentinels, quorum == null ? majority(sentinels) : quorum, downAfter,
                    failoverTimeout, parallelSyncs, minReplicasToWrite, minReplicasMaxLag, labelerImage);
        }
    }
}
