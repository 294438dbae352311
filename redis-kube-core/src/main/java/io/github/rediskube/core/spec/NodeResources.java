package io.github.rediskube.core.spec;

import org.jspecify.annotations.Nullable;

/**
 * CPU and memory of one Redis pod, as Kubernetes quantities ({@code "500m"}, {@code "4096M"},
 * {@code "1Gi"}). The memory limit is required: Redis' {@code maxmemory} is derived from it.
 * A {@code null} request means "same as the limit" for memory and "none" for CPU;
 * a {@code null} CPU limit means no CPU limit (the usual advice for latency-sensitive Redis).
 *
 * <pre>{@code
 * NodeResources r = NodeResources.builder().memoryLimit("4096M").cpuLimit("2").build();
 * }</pre>
 *
 * @param cpuRequest    CPU request, or {@code null}
 * @param cpuLimit      CPU limit, or {@code null} for none
 * @param memoryRequest memory request, or {@code null} for the limit
 * @param memoryLimit   memory limit
 */
public record NodeResources(@Nullable String cpuRequest, @Nullable String cpuLimit, @Nullable String memoryRequest,
        String memoryLimit) {

    /** CPU request of a pod when none is set. */
    public static final String DEFAULT_CPU_REQUEST = "100m";
    /** Memory limit of a pod when none is set. */
    public static final String DEFAULT_MEMORY_LIMIT = "256Mi";

    /** The defaults: 100m CPU requested, no CPU limit, 256Mi memory requested and limited. */
    public static final NodeResources DEFAULT = new NodeResources(DEFAULT_CPU_REQUEST, null, null, DEFAULT_MEMORY_LIMIT);

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    /** @return a builder holding this value's fields */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return the memory request, the limit when none is set */
    public String effectiveMemoryRequest() {
        return memoryRequest == null ? memoryLimit : memoryRequest;
    }

    void check(Checks checks, String field) {
        QuantityBounds.POD_CPU.check(checks, field + ".cpuRequest", cpuRequest, "use e.g. \"250m\" or \"1\"");
        QuantityBounds.POD_CPU.check(checks, field + ".cpuLimit", cpuLimit, "use e.g. \"500m\" or \"2\"");
        boolean requestOk = QuantityBounds.POD_MEMORY.check(checks, field + ".memoryRequest", memoryRequest,
                "use e.g. \"1Gi\" or \"4096M\"");
        boolean limitOk = QuantityBounds.POD_MEMORY.checkRequired(checks, field + ".memoryLimit", memoryLimit,
                "use e.g. memoryLimit(\"1Gi\") or memoryLimit(\"4096M\")");
        if (requestOk && limitOk) {
            checks.require(Quantities.amount(memoryRequest).compareTo(Quantities.amount(memoryLimit)) <= 0,
                    field + ".memoryRequest", memoryRequest, "must not exceed memoryLimit " + Checks.show(memoryLimit),
                    "lower memoryRequest or raise memoryLimit");
        }
        if (Quantities.isPositive(cpuRequest) && Quantities.isPositive(cpuLimit)) {
            checks.require(Quantities.amount(cpuRequest).compareTo(Quantities.amount(cpuLimit)) <= 0,
                    field + ".cpuRequest", cpuRequest, "must not exceed cpuLimit " + Checks.show(cpuLimit),
                    "lower cpuRequest or raise cpuLimit");
        }
    }

    /** @return whether the memory limit is present and within bounds, so its amount may be used */
    boolean hasValidMemoryLimit() {
        return QuantityBounds.POD_MEMORY.check(new Checks(), "memoryLimit", memoryLimit, "");
    }

    /** Builds {@link NodeResources}; every setter returns this builder. */
    public static final class Builder {
        private @Nullable String cpuRequest;
        private @Nullable String cpuLimit;
        private @Nullable String memoryRequest;
        private String memoryLimit;

        private Builder(NodeResources from) {
            this.cpuRequest = from.cpuRequest;
            this.cpuLimit = from.cpuLimit;
            this.memoryRequest = from.memoryRequest;
            this.memoryLimit = from.memoryLimit;
        }

        /**
         * @param quantity CPU request, e.g. {@code "250m"}; {@code null} for none
         * @return this builder
         */
        public Builder cpuRequest(@Nullable String quantity) {
            this.cpuRequest = quantity;
            return this;
        }

        /**
         * @param quantity CPU limit, e.g. {@code "2"}; {@code null} for none
         * @return this builder
         */
        public Builder cpuLimit(@Nullable String quantity) {
            this.cpuLimit = quantity;
            return this;
        }

        /**
         * @param quantity memory request, e.g. {@code "1Gi"}; {@code null} for the limit
         * @return this builder
         */
        public Builder memoryRequest(@Nullable String quantity) {
            this.memoryRequest = quantity;
            return this;
        }

        /**
         * @param quantity memory limit, e.g. {@code "4096M"}
         * @return this builder
         */
        public Builder memoryLimit(String quantity) {
            this.memoryLimit = quantity;
            return this;
        }

        /** @return the resources; they are validated with the spec that holds them */
        public NodeResources build() {
            return new NodeResources(cpuRequest, cpuLimit, memoryRequest, memoryLimit);
        }
    }
}
