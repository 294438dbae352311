package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
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
        growClaims(instance, current.storage().storageClass(), size, timeout);
        return resized;
    }

    /**
     * Refuses, before any write, an update that changes what Kubernetes forbids changing in a StatefulSet's
     * claim template (the API server would answer 422 half-way through the update).
     *
     * @param before  the claim template the live StatefulSets were made with
     * @param newSpec the spec of the update
     * @return the size to grow the volumes to first, or {@code null} when the size does not change
     * @throws io.github.rediskube.core.RedisKubeException with {@code REFUSED} naming the field, the old and
     *         new value, and the fix
     */
    static String checkTemplateChange(Instance instance, ClaimTemplate before, RedisReplicationSpec newSpec) {
        ClaimTemplate after = ClaimTemplate.of(newSpec);
        if (before.storage() != after.storage()) {
            throw immutable(instance, "mode", before.storage() ? "STORAGE" : "CACHE",
                    after.storage() ? "STORAGE" : "CACHE", "delete the deployment (a STORAGE deployment keeps its"
                            + " volumes) and deploy the new spec");
        }
        if (!before.storage()) {
            return null;
        }
        if (!Objects.equals(before.storageClass(), after.storageClass())) {
            throw immutable(instance, "storage.storageClass", before.storageClass(), after.storageClass(),
                    "delete the deployment and deploy the new spec (move the data over: volumes do not change"
                            + " StorageClass)");
        }
        if (!Objects.equals(before.accessMode(), after.accessMode())) {
            throw immutable(instance, "storage.accessMode", before.accessMode(), after.accessMode(),
                    "delete the deployment and deploy the new spec");
        }
        int growth = new Quantity(after.size()).compareTo(new Quantity(before.size()));
        if (growth < 0) {
            throw immutable(instance, "storage.size", before.size(), after.size(), "keep " + before.size()
                    + " or more (volumes cannot shrink; to shrink, move the data to a new deployment)");
        }
        return growth == 0 ? null : after.size();
    }

    private static RedisKubeException immutable(Instance instance, String field, String before, String after,
                                              String fix) {
        return Errors.refused(instance, "update cannot change " + field + " of " + instance + " from " + before
                + " to " + after + ": StatefulSet volume claim templates are immutable (the API server refuses the"
                + " change). Fix: " + fix + (field.equals("storage.size") ? "" : "; only a larger storage.size"
                + " is applied in place (update or resizeStorage grows the volumes online)"));
    }

    /**
     * Checks the StorageClass, patches every claim to {@code size}, and orphan-deletes the StatefulSets so the
     * caller re-creates them with the grown claim template (their pods keep running and are adopted).
     */
    static void growClaims(Instance instance, String storageClass, String size, Duration timeout) {
        KubernetesClient client = instance.client();
        String namespace = instance.namespace();
        requireExpandable(instance, storageClass);
        List<PersistentVolumeClaim> claims;
        try {
            claims = client.persistentVolumeClaims().inNamespace(namespace).withLabels(instance.selector()).list()
                    .getItems();
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "listing volumes of", "PersistentVolumeClaim", namespace,
                    instance.name(), e, List.of());
        }
        for (PersistentVolumeClaim claim : claims) {
            if (!isRedisVolume(claim)) {
                continue;   // a Sentinel's small state volume keeps its size
            }
            String claimName = claim.getMetadata().getName();
            try {
                client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).edit(c -> {
                    c.getSpec().getResources().getRequests().put("storage", new Quantity(size));
                    return c;
                });
            } catch (KubernetesClientException e) {
                throw Errors.of(instance.client(), "resizing", "PersistentVolumeClaim", namespace, claimName, e,
                        List.of());
            }
            LOG.info("{}: volume {} grown to {}", instance, claimName, size);
        }
        for (Role role : Role.values()) {
            String name = instance.statefulSetName(role);
            try {
                var statefulSet = client.apps().statefulSets().inNamespace(namespace).withName(name);
                statefulSet.withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
                statefulSet.waitUntilCondition(Objects::isNull, timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (KubernetesClientException e) {
                throw Errors.of(instance.client(), "re-creating (orphan delete) for a resize", "StatefulSet",
                        namespace, name, e,
                        List.of());
            }
        }
    }

    /**
     * A Sentinel StatefulSet whose claim templates differ from the spec's (one made before Sentinels kept
     * their state on a volume in STORAGE mode) cannot be updated in place: it is deleted with orphan
     * propagation, so its pods keep running, and the apply that follows re-creates it (and rolls them).
     *
     * @return whether it was deleted (the caller reads the live objects again)
     */
    static boolean recreateSentinelsIfClaimsChanged(Instance instance, RedisReplicationSpec spec, Duration timeout) {
        if (!spec.sentinelEnabled()) {
            return false;
        }
        String name = spec.names().sentinel();
        var statefulSet = instance.client().apps().statefulSets().inNamespace(instance.namespace()).withName(name);
        try {
            StatefulSet live = statefulSet.get();
            if (live == null || live.getSpec() == null) {
                return false;
            }
            int liveClaims = live.getSpec().getVolumeClaimTemplates() == null ? 0
                    : live.getSpec().getVolumeClaimTemplates().size();
            int wantedClaims = spec.mode() == Mode.STORAGE ? 1 : 0;
            if (liveClaims == wantedClaims) {
                return false;
            }
            statefulSet.withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
            statefulSet.waitUntilCondition(Objects::isNull, timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("{}: StatefulSet {} re-created for its state volume (pods kept, then rolled)", instance, name);
            return true;
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "re-creating (orphan delete) for the Sentinels' state volume", "StatefulSet",
                    instance.namespace(), name, e, List.of());
        }
    }

    /** @return whether the claim belongs to a Redis pod (component master or replica), not to a Sentinel */
    private static boolean isRedisVolume(PersistentVolumeClaim claim) {
        var labels = claim.getMetadata().getLabels();
        String component = labels == null ? null : labels.get("app.kubernetes.io/component");
        return component == null || java.util.Arrays.stream(Role.values()).anyMatch(r -> r.label().equals(component));
    }

    /**
     * What Kubernetes forbids changing in a StatefulSet's claim template, as far as a spec sets it.
     *
     * @param storage whether there is a template at all (STORAGE mode)
     */
    record ClaimTemplate(boolean storage, String size, String storageClass, String accessMode) {

        static ClaimTemplate of(RedisReplicationSpec spec) {
            return spec.mode() != Mode.STORAGE ? new ClaimTemplate(false, null, null, null)
                    : new ClaimTemplate(true, spec.storage().size(), spec.storage().storageClass(),
                    spec.storage().accessMode());
        }

        /** @return the template of a live StatefulSet, or {@code null} when there is none to compare with */
        static ClaimTemplate of(StatefulSet live) {
            if (live == null || live.getSpec() == null) {
                return null;
            }
            List<PersistentVolumeClaim> templates = live.getSpec().getVolumeClaimTemplates();
            if (templates == null || templates.isEmpty()) {
                return new ClaimTemplate(false, null, null, null);
            }
            var claim = templates.get(0).getSpec();
            Quantity size = claim.getResources() == null || claim.getResources().getRequests() == null ? null
                    : claim.getResources().getRequests().get("storage");
            return new ClaimTemplate(true, size == null ? null : size.toString(), claim.getStorageClassName(),
                    claim.getAccessModes() == null || claim.getAccessModes().isEmpty() ? null
                            : claim.getAccessModes().get(0));
        }
    }

    private static void requireExpandable(Instance instance, String storageClassName) {
        var classes = instance.client().storage().v1().storageClasses();
        StorageClass storageClass;
        try {
            storageClass = storageClassName != null
                    ? classes.withName(storageClassName).get()
                    : classes.list().getItems().stream().filter(c -> c.getMetadata().getAnnotations() != null
                            && "true".equals(c.getMetadata().getAnnotations()
                            .get("storageclass.kubernetes.io/is-default-class"))).findFirst().orElse(null);
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading", "StorageClass", instance.namespace(), storageClassName, e,
                    List.of());
        }
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
