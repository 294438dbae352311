package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.LabelKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes rendered objects: each object is read once and written unless the live object carries the
 * hash of the same rendered object (annotation {@value #APPLIED_HASH}) and still holds every field we
 * render. An unchanged re-deploy therefore writes nothing; a change that only removes a field (a limit,
 * a label, a node selector) changes the hash and is written; drift by another writer is repaired.
 *
 * <p>Every object is read before any is written: one that exists under a rendered name without the
 * owner's labels (someone else's Service, ConfigMap, Secret, ...) refuses the whole apply with
 * {@code CONFLICT}, naming each, unless {@link DeployOptions#adoptExisting()} says to take them over. This
 * check does not rely on server-side apply's field-manager conflicts (a ConfigMap would merge silently).
 */
final class Applier {

    /** The annotation holding the hash of the rendered object last written. */
    static final String APPLIED_HASH = LabelKeys.PREFIX + "applied-hash";

    /** Fields whose values are Kubernetes quantities, compared by amount ({@code 1024Mi} equals {@code 1Gi}). */
    private static final Set<String> QUANTITY_MAPS = Set.of("requests", "limits", "hard", "default", "defaultRequest",
            "max", "min", "capacity");
    private static final Set<String> QUANTITY_FIELDS = Set.of("sizeLimit");

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private final KubernetesClient client;
    private final DeployOptions options;
    private final Map<String, String> ownLabels;

    /**
     * @param ownLabels the labels that make a live object ours (an instance's selector, or the tenant's
     *                  {@code managed-by}); a live object under a rendered name without all of them is foreign
     */
    Applier(KubernetesClient client, DeployOptions options, Map<String, String> ownLabels) {
        this.client = client;
        this.options = options;
        this.ownLabels = new TreeMap<>(ownLabels);
    }

    /** Reads, checks ownership, then applies: {@link #read} and {@link #apply(String, HasMetadata, List, Map)}. */
    List<String> apply(String namespace, HasMetadata owner, List<HasMetadata> desired) {
        return apply(namespace, owner, desired, read(namespace, desired));
    }

    /**
     * Reads every desired object, writing nothing.
     *
     * @return the live objects by {@code Kind/name} (missing ones absent)
     * @throws RedisKubeException with {@link Reason#CONFLICT} naming every live object that is not ours, unless
     *         the options adopt existing objects
     */
    Map<String, HasMetadata> read(String namespace, List<HasMetadata> desired) {
        requireApis(namespace, desired);
        LiveTls.requireSecret(client, namespace, desired);
        Map<String, HasMetadata> live = new LinkedHashMap<>();
        List<HasMetadata> foreign = new ArrayList<>();
        for (HasMetadata object : desired) {
            HasMetadata found;
            try {
                found = client.resource(object).get();
            } catch (KubernetesClientException e) {
                throw Errors.of(client, "reading", object, namespace, e, List.of());
            }
            if (found != null) {
                live.put(id(object), found);
                if (!ours(found)) {
                    foreign.add(found);
                }
            }
        }
        if (!foreign.isEmpty() && !options.adoptExisting()) {
            throw foreign(namespace, foreign);
        }
        foreign.forEach(f -> LOG.warn("{} {} is not redis-kube's: adopted (DeployOptions.withAdoptExisting)",
                namespace, id(f)));
        return live;
    }

    /**
     * Refuses the whole apply, before anything is written, when the cluster does not serve the kind of a custom
     * resource among {@code desired} (a ServiceMonitor without the Prometheus Operator's CRD). Asks the discovery
     * API, which every authenticated caller may read.
     *
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} naming the CRD and the fix
     */
    private void requireApis(String namespace, List<HasMetadata> desired) {
        for (HasMetadata object : desired) {
            if (!(object instanceof GenericKubernetesResource)) {
                continue;
            }
            boolean served;
            try {
                served = client.supports(object.getApiVersion(), object.getKind());
            } catch (KubernetesClientException e) {
                throw Errors.of(client, "discovering the API of", object, namespace, e, List.of());
            }
            if (!served) {
                String group = object.getApiVersion().contains("/")
                        ? object.getApiVersion().substring(0, object.getApiVersion().indexOf('/')) : "";
                String crd = object.getKind().toLowerCase(Locale.ROOT) + "s." + group;
                throw new RedisKubeException(Reason.NOT_FOUND, object.getKind(), namespace,
                        object.getMetadata().getName(), "the cluster does not serve " + object.getApiVersion() + " "
                        + object.getKind() + " (its CustomResourceDefinition " + crd + " is not installed)."
                        + " Nothing was written. Fix: install the CRD (for a ServiceMonitor, the Prometheus"
                        + " Operator's), or deploy without the object (metrics(m -> m.serviceMonitor(false)))",
                        null, List.of(), null);
            }
        }
    }

    /** Whether a live object carries every one of the owner's labels. */
    boolean ours(HasMetadata live) {
        Map<String, String> labels = live.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(ownLabels.entrySet());
    }

    private RedisKubeException foreign(String namespace, List<HasMetadata> foreign) {
        StringBuilder objects = new StringBuilder();
        for (HasMetadata f : foreign) {
            Map<String, String> labels = f.getMetadata().getLabels() == null ? Map.of() : f.getMetadata().getLabels();
            Map<String, String> theirs = new TreeMap<>();
            ownLabels.keySet().forEach(key -> theirs.put(key, labels.getOrDefault(key, "(none)")));
            objects.append(objects.length() == 0 ? "" : ", ").append(id(f)).append(' ').append(theirs);
        }
        HasMetadata first = foreign.get(0);
        String message = "namespace " + namespace + " already holds " + foreign.size() + " object"
                + (foreign.size() == 1 ? "" : "s") + " under names redis-kube renders that " + (foreign.size() == 1
                ? "is" : "are") + " not redis-kube's (labels " + ownLabels + " missing): " + objects
                + ". Nothing was written. Fix: deploy under another name or into another namespace, delete or rename "
                + (foreign.size() == 1 ? "that object" : "those objects") + ", or take "
                + (foreign.size() == 1 ? "it" : "them") + " over with DeployOptions.withAdoptExisting(true)"
                + " (redis-kube then overwrites them as rendered and deletes them with the deployment)";
        return new RedisKubeException(Reason.CONFLICT, first.getKind(), namespace, first.getMetadata().getName(),
                message, null, List.of(), null);
    }

    private static String id(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }

    /**
     * Applies {@code owner} first, then every other object with an owner reference to it, so that
     * deleting the owner lets Kubernetes garbage-collect the rest. Without an owner, applies in order.
     *
     * @param live what {@link #read} returned for these objects
     * @return the objects written, as {@code Kind/name} (unchanged ones are not listed)
     */
    List<String> apply(String namespace, HasMetadata owner, List<HasMetadata> desired, Map<String, HasMetadata> live) {
        if (options.createNamespace()) {
            ensureNamespace(namespace);
        }
        List<String> applied = new ArrayList<>();
        List<String> written = new ArrayList<>();
        if (owner == null) {
            desired.forEach(object -> applyOne(namespace, object, live.get(id(object)), applied, written));
            return written;
        }
        HasMetadata liveOwner = applyOne(namespace, owner, live.get(id(owner)), applied, written);
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
                applyOne(namespace, owned, live.get(id(object)), applied, written);
            }
        }
        return written;
    }

    /**
     * @param live the object as {@link #read} found it, or {@code null}
     * @return the live object after applying
     */
    private HasMetadata applyOne(String namespace, HasMetadata rendered, HasMetadata live, List<String> applied,
                                 List<String> written) {
        String id = id(rendered);
        HasMetadata object = stamped(rendered);
        try {
            HasMetadata result = live;
            if (live != null && (object instanceof Secret && ours(live) || unchanged(live, object))) {
                // a generated Secret is created once: its password must not change under running pods
                // (an adopted foreign one is overwritten: its password is not the one the pods are given)
                LOG.debug("{} {} unchanged", namespace, id);
            } else {
                if (serviceNameChanged(live, object)) {
                    orphanDelete((StatefulSet) live);
                    live = null;
                }
                result = write(object, live);
                written.add(id);
                LOG.info("{} {} {}", namespace, id, live == null ? "created" : "updated");
            }
            applied.add(id);
            return result;
        } catch (KubernetesClientException e) {
            throw Errors.of(client, "applying", object, namespace, e, applied);
        }
    }

    /** A StatefulSet's serviceName is immutable (e.g. the Sentinels moved to their own headless Service). */
    private static boolean serviceNameChanged(HasMetadata live, HasMetadata object) {
        return live instanceof StatefulSet old && object instanceof StatefulSet rendered
                && !java.util.Objects.equals(old.getSpec().getServiceName(), rendered.getSpec().getServiceName());
    }

    /**
     * Deletes a StatefulSet whose immutable fields changed, orphaning its pods: they keep running, the
     * re-created StatefulSet adopts them and rolls them one by one to the new template.
     */
    private void orphanDelete(StatefulSet live) {
        var resource = client.apps().statefulSets().inNamespace(live.getMetadata().getNamespace())
                .withName(live.getMetadata().getName());
        resource.withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        resource.waitUntilCondition(java.util.Objects::isNull, options.deleteTimeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info("{} StatefulSet/{} deleted (pods kept) to change its immutable serviceName",
                live.getMetadata().getNamespace(), live.getMetadata().getName());
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
            throw Errors.of(client, "creating", "Namespace", namespace, namespace, e, List.of());
        }
    }

    /** @return a copy of {@code rendered} annotated with its {@link #hash} (the caller's object is not changed) */
    static HasMetadata stamped(HasMetadata rendered) {
        HasMetadata copy = Serialization.clone(rendered);
        String hash = hash(copy);
        Map<String, String> annotations = copy.getMetadata().getAnnotations() == null ? new TreeMap<>()
                : new TreeMap<>(copy.getMetadata().getAnnotations());
        annotations.put(APPLIED_HASH, hash);
        copy.getMetadata().setAnnotations(annotations);
        return copy;
    }

    /**
     * @return the SHA-256 of the object's JSON with sorted keys, without the {@link #APPLIED_HASH} annotation
     *         (the same rendered object gives the same hash in every JVM)
     */
    static String hash(HasMetadata object) {
        JsonNode tree = Serialization.jsonMapper().valueToTree(object);
        JsonNode annotations = tree.path("metadata").path("annotations");
        if (annotations instanceof ObjectNode node) {
            node.remove(APPLIED_HASH);
            if (node.isEmpty()) {
                ((ObjectNode) tree.get("metadata")).remove("annotations");
            }
        }
        StringBuilder canonical = new StringBuilder();
        canonical(tree, canonical);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(field -> sorted.put(field.getKey(), field.getValue()));
            out.append('{');
            sorted.forEach((key, value) -> {
                out.append(JsonNodeFactory.instance.stringNode(key)).append(':');
                canonical(value, out);
                out.append(',');
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            node.forEach(element -> {
                canonical(element, out);
                out.append(',');
            });
            out.append(']');
        } else {
            out.append(node);
        }
    }

    /** Whether the live object was written from this very rendering and nobody changed what we render since. */
    static boolean unchanged(HasMetadata live, HasMetadata stamped) {
        Map<String, String> annotations = live.getMetadata().getAnnotations();
        String liveHash = annotations == null ? null : annotations.get(APPLIED_HASH);
        return stamped.getMetadata().getAnnotations().get(APPLIED_HASH).equals(liveHash) && contains(live, stamped);
    }

    /** Whether every field of {@code desired} is present, with the same value, in {@code live}. */
    static boolean contains(HasMetadata live, HasMetadata desired) {
        JsonNode liveTree = Serialization.jsonMapper().valueToTree(live);
        JsonNode desiredTree = Serialization.jsonMapper().valueToTree(desired);
        return subset(desiredTree, liveTree, false);
    }

    static boolean subset(JsonNode desired, JsonNode live) {
        return subset(desired, live, false);
    }

    /**
     * @param quantities whether {@code desired} is a quantity or a map of them (API servers canonicalize
     *                   quantities: {@code 1024Mi} comes back as {@code 1Gi})
     */
    private static boolean subset(JsonNode desired, JsonNode live, boolean quantities) {
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
                boolean quantity = quantities || QUANTITY_MAPS.contains(field.getKey())
                        || QUANTITY_FIELDS.contains(field.getKey());
                if (!subset(field.getValue(), live.get(field.getKey()), quantity)) {
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
                if (!subset(d.next(), l.next(), false)) {
                    return false;
                }
            }
            return true;
        }
        return desired.equals(live) || desired.asString().equals(live.asString())
                || quantities && sameQuantity(desired.asString(), live.asString());
    }

    private static boolean sameQuantity(String desired, String live) {
        try {
            return Quantity.parse(desired).compareTo(Quantity.parse(live)) == 0;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }
}
