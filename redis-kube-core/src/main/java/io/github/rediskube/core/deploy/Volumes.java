package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Online growth of a STORAGE deployment's volumes. */
final class Volumes {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDeployment.class);

    private Volumes() {
    }

    /**
     * Checks the request and the StorageClass, patches every claim to {@code size}, and orphan-deletes the
     * StatefulSets (their claim templates are immutable) so the caller re-creates them from the result.
     *
     * @return the spec with the new size, or {@code current} itself when the size does not change
     */
    static RedisReplicationSpec grow(Instance instance, RedisReplicationSpec current, String size, Duration timeout) {
        if (current.mode() != Mode.STORAGE) {
            throw Errors.refused(instance, "resizeStorage needs a STORAGE deployment; " + instance
                    + " is a CACHE (emptyDir) deployment. Fix: deploy with storage(s -> s.size(..))");
        }
        RedisReplicationSpec resized = current.toBuilder().storage(s -> s.size(size)).build();
        int growth = new Quantity(size).compareTo(new Quantity(current.storage().size()));
        if (growth < 0) {
            throw Errors.refused(instance, "volumes cannot shrink: storage.size is " + current.storage().size()
                    + ", asked " + size + ". Fix: ask for " + current.storage().size() + " or more (to shrink, move"
                    + " the data to a new deployment)");
        }
        if (growth == 0) {
            return current;
        }
        KubernetesClient client = instance.client();
        String namespace = instance.namespace();
        try {
            requireExpandable(instance, current.storage().storageClass());
            for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(namespace)
                    .withLabels(instance.selector()).list().getItems()) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(claim.getMetadata().getName())
                        .edit(c -> {
                            c.getSpec().getResources().getRequests().put("storage", new Quantity(size));
                            return c;
                        });
                LOG.info("{}: volume {} grown to {}", instance, claim.getMetadata().getName(), size);
            }
            for (Role role : Role.values()) {
                var statefulSet = client.apps().statefulSets().inNamespace(namespace)
                        .withName(instance.statefulSetName(role));
                statefulSet.withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
                statefulSet.waitUntilCondition(Objects::isNull, timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (KubernetesClientException e) {
            throw Errors.of("resizing volumes of", null, namespace, e, List.of());
        }
        return resized;
    }

    private static void requireExpandable(Instance instance, String storageClassName) {
        var classes = instance.client().storage().v1().storageClasses();
        StorageClass storageClass = storageClassName != null
                ? classes.withName(storageClassName).get()
                : classes.list().getItems().stream().filter(c -> c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations()
                        .get("storageclass.kubernetes.io/is-default-class"))).findFirst().orElse(null);
        String shown = storageClassName == null ? "the default StorageClass" : "StorageClass " + storageClassName;
        if (storageClass == null) {
            throw Errors.refused(instance, shown + " not found, so volume expansion cannot be checked. Fix: name an"
                    + " existing StorageClass with allowVolumeExpansion: true");
        }
        if (!Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion())) {
            throw Errors.refused(instance, shown + " (" + storageClass.getMetadata().getName() + ") does not allow"
                    + " volume expansion. Fix: set allowVolumeExpansion: true on it (if its provisioner supports"
                    + " expansion), or move the data to a deployment on a StorageClass that does");
        }
    }
}
