package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKubeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Writes rendered objects: each object is read once and written only when the live object does not
 * already hold every field we render, so an unchanged re-deploy writes nothing.
 */
final class Applier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private final KubernetesClient client;
    private final DeployOptions options;

    Applier(KubernetesClient client, DeployOptions options) {
        this.client = client;
        this.options = options;
    }

    /**
     * Applies {@code owner} first, then every other object with an owner reference to it, so that
     * deleting the owner lets Kubernetes garbage-collect the rest. Without an owner, applies in order.
     *
     * @return the objects written, as {@code Kind/name} (unchanged ones are not listed)
     */
    List<String> apply(String namespace, HasMetadata owner, List<HasMetadata> desired) {
        if (options.createNamespace()) {
            ensureNamespace(namespace);
        }
        List<String> applied = new ArrayList<>();
        List<String> written = new ArrayList<>();
        if (owner == null) {
            desired.forEach(object -> applyOne(namespace, object, applied, written));
            return written;
        }
        HasMetadata liveOwner = applyOne(namespace, owner, applied, written);
        OwnerReference reference = new OwnerReferenceBuilder()
                .withApiVersion(liveOwner.getApiVersion())
                .withKind(liveOwner.getKind())
                .withName(liveOwner.getMetadata().getName())
                .withUid(liveOwner.getMetadata().getUid())
                .withController(false)
                .withBlockOwnerDeletion(false)
                .build();
        for (HasMetadata object : desired) {
            if (object != owner) {
                HasMetadata owned = Serialization.clone(object);
                owned.getMetadata().setOwnerReferences(List.of(reference));
                applyOne(namespace, owned, applied, written);
            }
        }
        return written;
    }

    /** @return the live object after applying */
    private HasMetadata applyOne(String namespace, HasMetadata object, List<String> applied, List<String> written) {
        String id = object.getKind() + "/" + object.getMetadata().getName();
        try {
            HasMetadata live = client.resource(object).get();
            HasMetadata result = live;
            if (live != null && (object instanceof Secret || contains(live, object))) {
                // a generated Secret is created once: its password must not change under running pods
                LOG.debug("{} {} unchanged", namespace, id);
            } else {
                result = write(object, live);
                written.add(id);
                LOG.info("{} {} {}", namespace, id, live == null ? "created" : "updated");
            }
            applied.add(id);
            return result;
        } catch (KubernetesClientException e) {
            throw Errors.of("applying", object, namespace, e, applied);
        }
    }

    private HasMetadata write(HasMetadata object, HasMetadata live) {
        return switch (options.strategy()) {
            case SERVER_SIDE_APPLY -> {
                var apply = client.resource(object).fieldManager(DeployOptions.FIELD_MANAGER);
                yield (options.forceConflicts() ? apply.forceConflicts() : apply).serverSideApply();
            }
            case CREATE_OR_UPDATE -> {
                if (live == null) {
                    yield client.resource(object).create();
                }
                HasMetadata update = Serialization.clone(object);
                update.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
                yield client.resource(update).update();
            }
        };
    }

    private void ensureNamespace(String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder()
                        .withNewMetadata()
                            .withName(namespace)
                        .endMetadata()
                        .build()).create();
                LOG.info("namespace {} created", namespace);
            }
        } catch (KubernetesClientException e) {
            throw Errors.of("creating namespace", null, namespace, e, List.of());
        }
    }

    /** Whether every field of {@code desired} is present, with the same value, in {@code live}. */
    static boolean contains(HasMetadata live, HasMetadata desired) {
        JsonNode liveTree = Serialization.jsonMapper().valueToTree(live);
        JsonNode desiredTree = Serialization.jsonMapper().valueToTree(desired);
        return subset(desiredTree, liveTree);
    }

    static boolean subset(JsonNode desired, JsonNode live) {
        if (desired == null || desired.isNull()) {
            return true;
        }
        if (live == null || live.isNull()) {
            return false;
        }
        if (desired.isObject()) {
            if (!live.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : desired.properties()) {
                if (!subset(field.getValue(), live.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (desired.isArray()) {
            if (!live.isArray() || live.size() != desired.size()) {
                return false;
            }
            Iterator<JsonNode> d = desired.iterator();
            Iterator<JsonNode> l = live.iterator();
            while (d.hasNext()) {
                if (!subset(d.next(), l.next())) {
                    return false;
                }
            }
            return true;
        }
        return desired.equals(live) || desired.asString().equals(live.asString());
    }

    static RedisKubeException wrap(String action, String namespace, KubernetesClientException e) {
        return Errors.of(action, null, namespace, e, List.of());
    }
}
