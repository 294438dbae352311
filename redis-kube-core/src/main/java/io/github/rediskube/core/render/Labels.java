package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.github.rediskube.core.spec.LabelKeys;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.Map;
import java.util.TreeMap;

/** The recommended app.kubernetes.io labels, and selectors scoped by instance and role. */
final class Labels {

    static final String NAME = "app.kubernetes.io/name";
    static final String INSTANCE = "app.kubernetes.io/instance";
    static final String COMPONENT = "app.kubernetes.io/component";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String PART_OF = "app.kubernetes.io/part-of";

    /**
     * The pod label the master/replica Services select on when roles move ({@link #rolesMove}): {@code master} or
     * {@code replica}, kept equal to the server's live role by the Sentinel contribution's labeler sidecar.
     */
    static final String ROLE_LABEL = LabelKeys.PREFIX + "role";

    static final String APP_NAME = "redis";
    static final String MANAGER = "redis-kube";

    private Labels() {
    }

    /** Labels of every object of the deployment; user labels first, so ours win. */
    static Map<String, String> common(RedisReplicationSpec spec) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(PART_OF, spec.name());
        labels.putAll(spec.labels());
        labels.putAll(selector(spec));
        labels.put(MANAGED_BY, MANAGER);
        return labels;
    }

    static Map<String, String> common(RedisReplicationSpec spec, Role role) {
        Map<String, String> labels = common(spec);
        labels.put(COMPONENT, role.label());
        return labels;
    }

    /**
     * Selects every Redis pod of this instance, and of no other: {@code managed-by} included, so pods of a
     * Helm release with the same name (charts use the same name/instance/component labels) are never
     * selected.
     */
    static Map<String, String> selector(RedisReplicationSpec spec) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(NAME, APP_NAME);
        labels.put(INSTANCE, spec.name());
        labels.put(MANAGED_BY, MANAGER);
        return labels;
    }

    /** Selects the pods of one role of this instance. */
    static Map<String, String> selector(RedisReplicationSpec spec, Role role) {
        Map<String, String> labels = selector(spec);
        labels.put(COMPONENT, role.label());
        return labels;
    }

    /**
     * Selects the pods of both Redis StatefulSets of this instance, master and replicas, and no Sentinel: by
     * component, which stays with the StatefulSet when Sentinel moves the roles.
     */
    static LabelSelector redisPods(RedisReplicationSpec spec) {
        return new LabelSelectorBuilder()
                .withMatchLabels(selector(spec))
                .addNewMatchExpression()
                    .withKey(COMPONENT)
                    .withOperator("In")
                    .withValues(Role.MASTER.label(), Role.REPLICA.label())
                .endMatchExpression()
                .build();
    }

    /**
     * Whether roles move between the Redis pods: with Sentinel a failover promotes a replica pod, so a pod may
     * start in either role, the Services select on {@link #ROLE_LABEL} rather than the StatefulSet, and any
     * Redis pod may be the master a drain takes down.
     */
    static boolean rolesMove(RedisReplicationSpec spec) {
        return spec.sentinelEnabled();
    }

    static ObjectMeta metadata(RedisReplicationSpec spec, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(spec.namespace())
                .withLabels(labels)
                .withAnnotations(spec.annotations().isEmpty() ? null : new TreeMap<>(spec.annotations()))
                .build();
    }
}
