package io.github.rediskube.core.spec;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Where the pods go beyond {@link Scheduling}: topology spread constraints over zones and over nodes, a priority
 * class, and labels and annotations on the pod templates only (not on the other objects).
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .sentinel(s -> s.sentinels(3))
 *     .placement(p -> p.zoneSpread(1).priorityClassName("redis-critical"))
 *     .build();
 * }</pre>
 *
 * <p>Each spread is rendered twice: once over the Redis pods (master and replicas together: roles move with
 * Sentinel, so the two StatefulSets' pods are counted as one set) and once over the Sentinel pods. A node spread
 * replaces {@link Scheduling#spreadOverNodes()}' preferred anti-affinity on the pods it spreads (one rule per
 * topology: the constraint counts pods per node, the anti-affinity's weight would only mix into the scores);
 * a zone spread keeps it, so pods still prefer distinct nodes within a zone.
 *
 * @param zones             the spread over {@value #ZONE_KEY}, or {@code null} for none (the default)
 * @param nodes             the spread over {@value #NODE_KEY}, or {@code null} for none (the default)
 * @param priorityClassName the PriorityClass of every Redis and Sentinel pod, or {@code null} for the cluster's
 *                          default
 * @param podLabels         extra labels on the pod templates only, sorted by key
 * @param podAnnotations    extra annotations on the pod templates only, sorted by key
 */
public record Placement(@Nullable Spread zones, @Nullable Spread nodes, @Nullable String priorityClassName,
        Map<String, String> podLabels, Map<String, String> podAnnotations) {

    /** The well-known node label of a node's zone. */
    public static final String ZONE_KEY = "topology.kubernetes.io/zone";
    /** The well-known node label of a node's name. */
    public static final String NODE_KEY = "kubernetes.io/hostname";
    /** Nothing set: no spread, no priority class, no pod labels or annotations. */
    public static final Placement DEFAULT = builder().build();

    /**
     * Copies the maps, sorted by key.
     *
     * @param zones             the spread over zones, or {@code null}
     * @param nodes             the spread over nodes, or {@code null}
     * @param priorityClassName the pods' PriorityClass, or {@code null}
     * @param podLabels         extra pod template labels
     * @param podAnnotations    extra pod template annotations
     */
    public Placement {
        podLabels = ExtraMetadata.sorted(Checks.requireKeys(podLabels, "podLabels", "pass labels, or Map.of()"));
        podAnnotations = ExtraMetadata.sorted(Checks.requireKeys(podAnnotations, "podAnnotations",
                "pass annotations, or Map.of()"));
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this value's fields */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.zones = zones;
        builder.nodes = nodes;
        builder.priorityClassName = priorityClassName;
        builder.podLabels.putAll(podLabels);
        builder.podAnnotations.putAll(podAnnotations);
        return builder;
    }

    void check(Checks checks) {
        if (zones != null) {
            zones.check(checks, "placement.zoneSpread");
        }
        if (nodes != null) {
            nodes.check(checks, "placement.nodeSpread");
        }
        if (priorityClassName != null && checks.require(Names.isDnsSubdomain(priorityClassName),
                "placement.priorityClassName", priorityClassName, "must be a DNS subdomain (a PriorityClass name)",
                "use e.g. priorityClassName(\"redis-critical\")")) {
            checks.require(!priorityClassName.startsWith("system-"), "placement.priorityClassName",
                    priorityClassName, "must not be a system- class (Kubernetes admits system-node-critical and"
                            + " system-cluster-critical only in kube-system)",
                    "create a PriorityClass of your own, e.g. \"redis-critical\"");
        }
        ExtraMetadata.checkLabels(checks, "placement.podLabel", "placement.podLabels", podLabels);
        ExtraMetadata.checkAnnotations(checks, "placement.podAnnotation", "placement.podAnnotations",
                podAnnotations);
    }

    /** What the scheduler does with a pod that no node can take within the skew. */
    public enum WhenUnsatisfiable {
        /** Schedule it anyway, preferring the nodes that reduce the skew (a one-zone cluster still schedules). */
        SCHEDULE_ANYWAY("ScheduleAnyway"),
        /** Leave it pending until a node within the skew can take it. */
        DO_NOT_SCHEDULE("DoNotSchedule");

        private final String value;

        WhenUnsatisfiable(String value) {
            this.value = value;
        }

        /** @return the API's value, {@code ScheduleAnyway} or {@code DoNotSchedule} */
        public String value() {
            return value;
        }
    }

    /**
     * A topology spread over one topology key.
     *
     * @param maxSkew           the most the pod count may differ between two domains (at least 1)
     * @param whenUnsatisfiable what happens when no domain keeps the skew
     */
    public record Spread(int maxSkew, WhenUnsatisfiable whenUnsatisfiable) {

        void check(Checks checks, String field) {
            checks.require(maxSkew >= 1, field + ".maxSkew", maxSkew, "must be at least 1",
                    "use 1 to keep the domains within one pod of each other");
            checks.require(whenUnsatisfiable != null, field + ".whenUnsatisfiable", null, "is required",
                    "use WhenUnsatisfiable.SCHEDULE_ANYWAY");
        }
    }

    /** Builds {@link Placement}; validated with the spec. */
    public static final class Builder {
        private @Nullable Spread zones;
        private @Nullable Spread nodes;
        private @Nullable String priorityClassName;
        private final Map<String, String> podLabels = new TreeMap<>();
        private final Map<String, String> podAnnotations = new TreeMap<>();

        private Builder() {
        }

        /**
         * Spreads the pods over zones ({@value Placement#ZONE_KEY}), scheduling anyway when no zone keeps the skew.
         *
         * @param maxSkew the most the pod count may differ between two zones (at least 1)
         * @return this builder
         */
        public Builder zoneSpread(int maxSkew) {
            return zoneSpread(maxSkew, WhenUnsatisfiable.SCHEDULE_ANYWAY);
        }

        /**
         * @param maxSkew the most the pod count may differ between two zones (at least 1)
         * @param when    what happens when no zone keeps the skew
         * @return this builder
         */
        public Builder zoneSpread(int maxSkew, WhenUnsatisfiable when) {
            this.zones = new Spread(maxSkew, when);
            return this;
        }

        /**
         * Spreads the pods over nodes ({@value Placement#NODE_KEY}), scheduling anyway when no node keeps the skew;
         * replaces the {@code spreadOverNodes} anti-affinity.
         *
         * @param maxSkew the most the pod count may differ between two nodes (at least 1)
         * @return this builder
         */
        public Builder nodeSpread(int maxSkew) {
            return nodeSpread(maxSkew, WhenUnsatisfiable.SCHEDULE_ANYWAY);
        }

        /**
         * @param maxSkew the most the pod count may differ between two nodes (at least 1)
         * @param when    what happens when no node keeps the skew
         * @return this builder
         */
        public Builder nodeSpread(int maxSkew, WhenUnsatisfiable when) {
            this.nodes = new Spread(maxSkew, when);
            return this;
        }

        /**
         * @param name a PriorityClass for every Redis and Sentinel pod, or {@code null} for the cluster's default
         * @return this builder
         */
        public Builder priorityClassName(@Nullable String name) {
            this.priorityClassName = name;
            return this;
        }

        /**
         * Adds a label to the pod templates only (a cost-allocation or mesh label, say).
         *
         * @param key   the label key; redis-kube's own keys are refused
         * @param value the label value
         * @return this builder
         */
        public Builder podLabel(String key, String value) {
            podLabels.put(Checks.requireArgument(key, "podLabel key", "use e.g. podLabel(\"team\", \"payments\")"),
                    value);
            return this;
        }

        /**
         * Adds an annotation to the pod templates only (a mesh or backup-tool annotation, say).
         *
         * @param key   the annotation key; redis-kube's own keys are refused
         * @param value the annotation value
         * @return this builder
         */
        public Builder podAnnotation(String key, String value) {
            podAnnotations.put(Checks.requireArgument(key, "podAnnotation key",
                    "use e.g. podAnnotation(\"example.com/owner\", \"payments\")"), value);
            return this;
        }

        /** @return the settings (checked when the spec is built) */
        public Placement build() {
            return new Placement(zones, nodes, priorityClassName, podLabels, podAnnotations);
        }
    }
}
