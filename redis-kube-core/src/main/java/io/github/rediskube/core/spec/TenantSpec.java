package io.github.rediskube.core.spec;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.rediskube.core.render.TenantManifests;
import java.util.List;

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
public record TenantSpec(String namespace, String memory, String cpu, Integer pods, String storage,
                         String maxPodMemory, boolean isolateNetwork) {

    /** Validates every field. */
    public TenantSpec {
        Checks checks = new Checks();
        checks.require(Names.isDnsLabel(namespace), "namespace", namespace,
                "must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
                "use e.g. RedisKube.tenant(\"tenant-a\")");
        checkQuantity(checks, "memory", memory, "\"16Gi\"");
        checkQuantity(checks, "cpu", cpu, "\"8\"");
        checkQuantity(checks, "storage", storage, "\"100Gi\"");
        checkQuantity(checks, "maxPodMemory", maxPodMemory, "\"4Gi\"");
        if (pods != null) {
            checks.require(pods > 0, "pods", pods, "must be positive", "use e.g. pods(20), or none for no cap");
        }
        if (Quantities.isPositive(memory) && Quantities.isPositive(maxPodMemory)) {
            checks.require(Quantities.amount(maxPodMemory).compareTo(Quantities.amount(memory)) <= 0, "maxPodMemory",
                    maxPodMemory, "must not exceed the tenant's memory " + Checks.show(memory),
                    "lower maxPodMemory or raise memory");
        }
        checks.throwIfAny("TenantSpec");
    }

    private static void checkQuantity(Checks checks, String field, String value, String example) {
        if (value != null) {
            checks.require(Quantities.isPositive(value), field, value, "must be a positive Kubernetes quantity",
                    "use e.g. " + field + "(" + example + "), or none for no cap");
        }
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

    /** @return the Namespace, ResourceQuota, LimitRange and NetworkPolicy to apply, as asked */
    public List<HasMetadata> manifests() {
        return TenantManifests.render(this);
    }

    /** @return the manifests as YAML */
    public String toYaml() {
        return Yaml.toYaml(manifests());
    }

    /** Builds a {@link TenantSpec}. */
    public static final class Builder {
        private final String namespace;
        private String memory;
        private String cpu;
        private Integer pods;
        private String storage;
        private String maxPodMemory;
        private boolean isolateNetwork = true;

        private Builder(String namespace) {
            this.namespace = namespace;
        }

        /** @param quantity total memory of the tenant's pods */
        public Builder memory(String quantity) {
            this.memory = quantity;
            return this;
        }

        /** @param quantity total CPU requests of the tenant's pods */
        public Builder cpu(String quantity) {
            this.cpu = quantity;
            return this;
        }

        /** @param count most pods in the namespace */
        public Builder pods(int count) {
            this.pods = count;
            return this;
        }

        /** @param quantity total storage requested by the tenant's claims */
        public Builder storage(String quantity) {
            this.storage = quantity;
            return this;
        }

        /** @param quantity largest memory limit of one container */
        public Builder maxPodMemory(String quantity) {
            this.maxPodMemory = quantity;
            return this;
        }

        /** @param isolate whether only the namespace's own pods may connect to its pods (default {@code true}) */
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
