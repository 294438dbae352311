package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A StatefulSet a contribution owns, around the {@link PodDraft} every contribution then adds to. Pods start in
 * parallel and roll one at a time.
 *
 * @param name        the StatefulSet's name
 * @param labels      its labels
 * @param selector    the pods it owns
 * @param replicas    how many
 * @param serviceName the headless Service naming its pods
 * @param retention   what happens to its claims on delete and scale-down; {@code null} for the API's default
 * @param claims      its volume claim templates
 * @param pod         the pod template being built
 */
record Workload(String name, Map<String, String> labels, Map<String, String> selector, int replicas,
        String serviceName, @Nullable StatefulSetPersistentVolumeClaimRetentionPolicy retention,
        List<PersistentVolumeClaim> claims, PodDraft pod) {

    StatefulSet statefulSet(RedisReplicationSpec spec, String configHash) {
        return new StatefulSetBuilder()
                .withMetadata(Labels.metadata(spec, name, labels))
                .withNewSpec()
                    .withReplicas(replicas)
                    .withServiceName(serviceName)
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector()
                        .withMatchLabels(selector)
                    .endSelector()
                    .withNewUpdateStrategy()
                        .withType("RollingUpdate")
                    .endUpdateStrategy()
                    .withPersistentVolumeClaimRetentionPolicy(retention)
                    .withTemplate(pod.template(spec, configHash))
                    .withVolumeClaimTemplates(claims)
                .endSpec()
                .build();
    }
}
