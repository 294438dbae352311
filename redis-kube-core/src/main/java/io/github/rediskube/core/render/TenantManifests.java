package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.github.rediskube.core.spec.TenantSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link TenantSpec}: its Namespace, a ResourceQuota and LimitRange when caps are set, and a
 * NetworkPolicy that admits ingress from the namespace's own pods only. Pure, like {@link RedisManifests}.
 */
public final class TenantManifests {

    /** Name of the tenant's ResourceQuota, LimitRange and NetworkPolicy. */
    public static final String NAME = "redis-kube-tenant";

    private static final Map<String, String> LABELS = Map.of(Labels.MANAGED_BY, Labels.MANAGER);

    private TenantManifests() {
    }

    /** Metadata of the tenant's ResourceQuota, LimitRange and NetworkPolicy. */
    private static ObjectMeta metadata(TenantSpec tenant) {
        return new ObjectMetaBuilder()
                .withName(NAME)
                .withNamespace(tenant.namespace())
                .withLabels(LABELS)
                .build();
    }

    /**
     * @param tenant a validated tenant
     * @return Namespace, then ResourceQuota, LimitRange and NetworkPolicy as asked
     */
    public static List<HasMetadata> render(TenantSpec tenant) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new NamespaceBuilder()
                .withNewMetadata()
                    .withName(tenant.namespace())
                    .withLabels(LABELS)
                .endMetadata()
                .build());
        if (tenant.hasQuota()) {
            Map<String, Quantity> hard = new TreeMap<>();
            if (tenant.memory() != null) {
                hard.put("requests.memory", new Quantity(tenant.memory()));
                hard.put("limits.memory", new Quantity(tenant.memory()));
            }
            if (tenant.cpu() != null) {
                hard.put("requests.cpu", new Quantity(tenant.cpu()));
            }
            if (tenant.pods() != null) {
                hard.put("pods", new Quantity(String.valueOf(tenant.pods())));
            }
            if (tenant.storage() != null) {
                hard.put("requests.storage", new Quantity(tenant.storage()));
            }
            objects.add(new ResourceQuotaBuilder()
                    .withMetadata(metadata(tenant))
                    .withNewSpec()
                        .withHard(hard)
                    .endSpec()
                    .build());
        }
        if (tenant.maxPodMemory() != null) {
            objects.add(new LimitRangeBuilder()
                    .withMetadata(metadata(tenant))
                    .withNewSpec()
                        .addNewLimit()
                            .withType("Container")
                            .addToMax("memory", new Quantity(tenant.maxPodMemory()))
                        .endLimit()
                    .endSpec()
                    .build());
        }
        if (tenant.isolateNetwork()) {
            objects.add(new NetworkPolicyBuilder()
                    .withMetadata(metadata(tenant))
                    .withNewSpec()
                        // every pod but redis-kube's own: NetworkPolicies add up, and a Redis deployment's
                        // policy admits only its clients, which this one must not widen to the whole namespace
                        .withNewPodSelector()
                            .addNewMatchExpression()
                                .withKey(Labels.MANAGED_BY)
                                .withOperator("NotIn")
                                .withValues(Labels.MANAGER)
                            .endMatchExpression()
                        .endPodSelector()
                        .withPolicyTypes("Ingress")
                        .addNewIngress()
                            .addNewFrom()
                                .withNewPodSelector()
                                .endPodSelector()
                            .endFrom()
                        .endIngress()
                    .endSpec()
                    .build());
        }
        return objects;
    }
}
