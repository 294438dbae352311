package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.LabelKeys;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The pod template of a workload while the contributions build it: its containers (the first is the main
 * one), volumes, grace period, service account and the ConfigMap files it reads. {@link #template} then adds
 * what every pod of ours has: the restricted profile, the spec's scheduling (pull secrets, node selector,
 * tolerations, spread over nodes), the config hash annotation and, to every container mounting the password,
 * {@code REDIS_PASSWORD_FILE} (last, after what the contributions added). Contributions may add topology spread
 * constraints (one over {@value #NODE_KEY} replaces the spread-over-nodes anti-affinity), a priority class, and
 * labels and annotations (the pod's own win).
 */
final class PodDraft {

    /** What a pod is for: it runs Redis (master or replica StatefulSet) or a Sentinel. */
    enum Kind { REDIS, SENTINEL }

    static final String CONFIG_HASH_ANNOTATION = LabelKeys.PREFIX + "config-hash";
    static final int DEFAULT_TERMINATION_GRACE_SECONDS = 30;
    static final String NODE_KEY = "kubernetes.io/hostname";

    private final Kind kind;
    private final @Nullable Role role;
    private final Map<String, String> labels;
    private final Map<String, String> spreadSelector;
    private final Map<String, ContainerBuilder> containers = new LinkedHashMap<>();
    private final List<Volume> volumes = new ArrayList<>();
    private final Set<String> reads = new LinkedHashSet<>();
    private int terminationGraceSeconds = DEFAULT_TERMINATION_GRACE_SECONDS;
    private @Nullable String serviceAccount;
    private final List<TopologySpreadConstraint> spread = new ArrayList<>();
    private @Nullable String priorityClassName;
    private final Map<String, String> extraLabels = new TreeMap<>();
    private final Map<String, String> extraAnnotations = new TreeMap<>();

    /**
     * @param kind           what the pod runs
     * @param role           the StatefulSet's role of a Redis pod, {@code null} for a Sentinel
     * @param labels         the pod's labels
     * @param spreadSelector the pods to spread this one away from, when the spec spreads over nodes
     */
    PodDraft(Kind kind, @Nullable Role role, Map<String, String> labels, Map<String, String> spreadSelector) {
        this.kind = kind;
        this.role = role;
        this.labels = labels;
        this.spreadSelector = spreadSelector;
    }

    Kind kind() {
        return kind;
    }

    /** @return the StatefulSet's role of a Redis pod */
    Role role() {
        if (role == null) {
            throw new IllegalStateException("a " + kind + " pod has no Redis role");
        }
        return role;
    }

    /** Adds a container after those already there; the first one added is the {@link #main} container. */
    PodDraft add(ContainerBuilder container) {
        String name = container.getName();
        if (containers.putIfAbsent(name, container) != null) {
            throw new IllegalStateException("two containers named " + name);
        }
        return this;
    }

    /** @return the container the workload exists for: {@code redis} in a Redis pod, {@code sentinel} in a Sentinel's */
    ContainerBuilder main() {
        return containers.values().iterator().next();
    }

    PodDraft volumes(List<Volume> added) {
        volumes.addAll(added);
        return this;
    }

    /** Records ConfigMap keys the pod reads, in order: a change to one of them rolls the pod (the config hash). */
    PodDraft reads(String... keys) {
        reads.addAll(List.of(keys));
        return this;
    }

    List<String> reads() {
        return List.copyOf(reads);
    }

    PodDraft terminationGraceSeconds(int seconds) {
        this.terminationGraceSeconds = seconds;
        return this;
    }

    PodDraft serviceAccount(String name) {
        this.serviceAccount = name;
        return this;
    }

    /** @return the pod's labels (its component among them), as the owning contribution gave them */
    Map<String, String> labels() {
        return java.util.Collections.unmodifiableMap(labels);
    }

    /** Adds topology spread constraints; one over {@value #NODE_KEY} replaces the spread-over-nodes anti-affinity. */
    PodDraft spread(List<TopologySpreadConstraint> constraints) {
        spread.addAll(constraints);
        return this;
    }

    PodDraft priorityClassName(@Nullable String name) {
        this.priorityClassName = name;
        return this;
    }

    /** Adds labels and annotations to the pod template; the pod's own labels and annotations win. */
    PodDraft metadata(Map<String, String> labels, Map<String, String> annotations) {
        extraLabels.putAll(labels);
        extraAnnotations.putAll(annotations);
        return this;
    }

    PodTemplateSpec template(RedisReplicationSpec spec, String configHash) {
        List<Container> built = new ArrayList<>();
        for (ContainerBuilder container : containers.values()) {
            Container c = container.build();
            if (c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(PasswordFile.VOLUME))) {
                c = new ContainerBuilder(c).addAllToEnv(PasswordFile.env(spec)).build();
            }
            built.add(c);
        }
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(merged(extraLabels, labels))
                    .withAnnotations(merged(extraAnnotations, annotations(spec, configHash)))
                .endMetadata()
                .withNewSpec()
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withTerminationGracePeriodSeconds((long) terminationGraceSeconds)
                    .withServiceAccountName(serviceAccount)
                    .withSecurityContext(security(spec.image().uid()))
                    .withImagePullSecrets(spec.image().pullSecrets().stream().map(LocalObjectReference::new).toList())
                    .withNodeSelector(spec.scheduling().nodeSelector().isEmpty()
                            ? null : new TreeMap<>(spec.scheduling().nodeSelector()))
                    .withTolerations(tolerations(spec))
                    .withAffinity(spec.scheduling().spreadOverNodes() && !spreadsOverNodes()
                            ? spread(spreadSelector) : null)
                    .withTopologySpreadConstraints(spread)
                    .withPriorityClassName(priorityClassName)
                    .withContainers(built)
                    .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /**
     * The spec's annotations, the config hash and, with a generated password, the password hash, so that pods
     * roll (all of them, master and replicas and Sentinels) when the Secret's password is replaced by
     * re-applying another build's export.
     */
    private static Map<String, String> annotations(RedisReplicationSpec spec, String configHash) {
        Map<String, String> annotations = new TreeMap<>(spec.annotations());
        annotations.put(CONFIG_HASH_ANNOTATION, configHash);
        if (spec.auth().kind() == Auth.Kind.GENERATED) {
            annotations.put(RedisManifests.PASSWORD_HASH_ANNOTATION,
                    RedisManifests.passwordHash(spec, spec.auth().password()));
        }
        return annotations;
    }

    private boolean spreadsOverNodes() {
        return spread.stream().anyMatch(c -> NODE_KEY.equals(c.getTopologyKey()));
    }

    /** @return {@code extra}, then {@code own} over it (sorted by key) */
    private static Map<String, String> merged(Map<String, String> extra, Map<String, String> own) {
        Map<String, String> merged = new TreeMap<>(extra);
        merged.putAll(own);
        return merged;
    }

    /** The restricted profile, pod level: non-root with the image's uid, seccomp RuntimeDefault. */
    private static PodSecurityContext security(long uid) {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(uid)
                .withRunAsGroup(uid)
                .withFsGroup(uid)
                .withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    private static List<Toleration> tolerations(RedisReplicationSpec spec) {
        return spec.scheduling().tolerations().stream()
                .map(t -> new TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator())
                        .withValue(t.value())
                        .withEffect(t.effect())
                        .build())
                .toList();
    }

    /** Prefer one pod of those selected per node, so that losing a node loses one pod. */
    private static Affinity spread(Map<String, String> selector) {
        return new AffinityBuilder()
                .withNewPodAntiAffinity()
                    .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                        .withWeight(100)
                        .withNewPodAffinityTerm()
                            .withTopologyKey("kubernetes.io/hostname")
                            .withNewLabelSelector()
                                .withMatchLabels(selector)
                            .endLabelSelector()
                        .endPodAffinityTerm()
                    .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }
}
