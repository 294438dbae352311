package io.github.rediskube.core.spec;

import org.jspecify.annotations.Nullable;

/**
 * A tenant: a namespace of its own, optionally capped by a ResourceQuota and a LimitRange, and
 * isolated on the network so pods of other namespaces cannot reach it.
 *
 * <pre>{@code
 * TenantSpec tenant = RedisKube.tenant("tenant-a")
 *     .memory("16Gi").cpu("8").pods(20).storage("100Gi")
 *     .build();
 * RedisKube.provision(kubernetesClient, tenant);
 * }</pre>
 *
 * @param namespace       the tenant's namespace
 * @param memory          total memory the tenant's pods may request and be limited to, or {@code null} for no cap
 * @param cpu             total CPU the tenant's pods may request, or {@code null} for no cap
 * @param pods            most pods in the namespace, or {@code null} for no cap
 * @param storage         total storage the tenant's claims may request, or {@code null} for no cap
 * @param maxPodMemory    largest memory limit of one container (LimitRange), or {@code null}
 * @param isolateNetwork  whether to render a NetworkPolicy admitting ingress from the namespace's own pods only
 */
public record TenantSpec(String namespace, @Nullable String memory, @Nullable String cpu, @Nullable Integer pods,
                         @Nullable String storage, @Nullable String maxPodMemory, boolean isolateNetwork) {

    /**
     * Validates every field.
     *
     * @param namespace the tenant's namespace
     * @param memory total memory the tenant's pods may request and be limited to, or {@code null} for no cap
     * @param cpu total CPU the tenant's pods may request, or {@code null} for no cap
     * @param pods most pods in the namespace, or {@code null} for no cap
     * @param storage total storage the tenant's claims may request, or {@code null} for no cap
     * @param maxPodMemory largest memory limit of one container (LimitRange), or {@code null}
     * @param isolateNetwork whether to render a NetworkPolicy admitting ingress from the namespace's own pods only
     */
    public TenantSpec {
        Checks checks = new Checks();
        if (checks.require(Names.isDnsLabel(namespace), "namespace", namespace,
                "must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
                "use e.g. RedisKube.tenant(\"tenant-a\")")) {
            checks.require(!namespace.startsWith("kube-"), "namespace", namespace,
                    "must not be a system namespace (kube-*): its NetworkPolicy would cut CoreDNS and the cluster's"
                            + " own components off, its quota would cap them",
                    "give the tenant a namespace of its own, e.g. RedisKube.tenant(\"tenant-a\")");
            checks.require(!"default".equals(namespace), "namespace", namespace,
                    "must not be \"default\": a tenant is a namespace of its own, and default holds whatever was"
                            + " deployed without one (its NetworkPolicy would cut those off from other namespaces,"
                            + " its quota would cap them)",
                    "give the tenant a namespace of its own, e.g. RedisKube.tenant(\"tenant-a\")");
        }
        boolean memoryOk = QuantityBounds.TENANT_MEMORY.check(checks, "memory", memory,
                "use e.g. memory(\"16Gi\"), or none for no cap");
        QuantityBounds.TENANT_CPU.check(checks, "cpu", cpu, "use e.g. cpu(\"8\"), or none for no cap");
        QuantityBounds.TENANT_STORAGE.check(checks, "storage", storage,
                "use e.g. storage(\"100Gi\"), or none for no cap");
        boolean maxPodOk = QuantityBounds.POD_MEMORY.check(checks, "maxPodMemory", maxPodMemory,
                "use e.g. maxPodMemory(\"4Gi\"), or none for no cap; a Redis pod needs at least "
                        + QuantityBounds.POD_MEMORY.min());
        if (pods != null) {
            checks.require(pods > 0, "pods", pods, "must be positive", "use e.g. pods(20), or none for no cap");
        }
        if (memoryOk && maxPodOk) {
            checks.require(Quantities.amount(maxPodMemory).compareTo(Quantities.amount(memory)) <= 0, "maxPodMemory",
                    maxPodMemory, "must not exceed the tenant's memory " + Checks.show(memory),
                    "lower maxPodMemory or raise memory");
        }
        checks.throwIfAny("TenantSpec");
    }

    /**
     * @param namespace the tenant's namespace
     * @return a builder: no caps, network isolated
     */
    public static Builder builder(String namespace) {
        return new Builder(namespace);
    }

    /** @return whether a ResourceQuota is rendered */
    public boolean hasQuota() {
        return memory != null || cpu != null || pods != null || storage != null;
    }

    /** Builds a {@link TenantSpec}. */
    public static final class Builder {
        private final String namespace;
        private @Nullable String memory;
        private @Nullable String cpu;
        private @Nullable Integer pods;
        private @Nullable String storage;
        private @Nullable String maxPodMemory;
        private boolean isolateNetwork = true;

        private Builder(String namespace) {
            this.namespace = namespace;
        }

        /**
         * @param quantity total memory of the tenant's pods, or {@code null} for no cap (the default)
         * @return this builder
         */
        public Builder memory(@Nullable String quantity) {
            this.memory = quantity;
            return this;
        }

        /**
         * @param quantity total CPU requests of the tenant's pods, or {@code null} for no cap (the default)
         * @return this builder
         */
        public Builder cpu(@Nullable String quantity) {
            this.cpu = quantity;
            return this;
        }

        /**
         * @param count most pods in the namespace
         * @return this builder
         */
        public Builder pods(int count) {
            this.pods = count;
            return this;
        }

        /**
         * @param quantity total storage requested by the tenant's claims, or {@code null} for no cap (the default)
         * @return this builder
         */
        public Builder storage(@Nullable String quantity) {
            this.storage = quantity;
            return this;
        }

        /**
         * @param quantity largest memory limit of one container, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder maxPodMemory(@Nullable String quantity) {
            this.maxPodMemory = quantity;
            return this;
        }

        /**
         * @param isolate whether only the namespace's own pods may connect to its pods (default {@code true})
         * @return this builder
         */
        public Builder isolateNetwork(boolean isolate) {
            this.isolateNetwork = isolate;
            return this;
        }

        /** @return the validated tenant */
        public TenantSpec build() {
            return new TenantSpec(namespace, memory, cpu, pods, storage, maxPodMemory, isolateNetwork);
        }
    }
}
