package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.NodeResources;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The master and replica StatefulSets and their pod template. */
final class Workloads {

    static final String CONTAINER = "redis";
    static final String CONFIG_HASH_ANNOTATION = "redis-kube.github.io/config-hash";
    static final int TERMINATION_GRACE_SECONDS = 30;

    private Workloads() {
    }

    static StatefulSet statefulSet(RedisReplicationSpec spec, Role role, String configHash) {
        ResourceNames names = spec.names();
        boolean storage = spec.mode() == Mode.STORAGE;
        String retention = storage && spec.storage().deleteVolumesOnDelete() ? "Delete" : "Retain";
        return new StatefulSetBuilder()
                .withMetadata(Labels.metadata(spec, names.of(role), Labels.common(spec, role)))
                .withNewSpec()
                    .withReplicas(role == Role.MASTER ? 1 : spec.replicas())
                    .withServiceName(names.headlessService())
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector()
                        .withMatchLabels(Labels.selector(spec, role))
                    .endSelector()
                    .withNewUpdateStrategy()
                        .withType("RollingUpdate")
                    .endUpdateStrategy()
                    .withNewPersistentVolumeClaimRetentionPolicy()
                        .withWhenDeleted(retention)
                        .withWhenScaled("Retain")
                    .endPersistentVolumeClaimRetentionPolicy()
                    .withTemplate(podTemplate(spec, role, configHash))
                    .withVolumeClaimTemplates(storage ? List.of(claimTemplate(spec, role)) : List.of())
                .endSpec()
                .build();
    }

    private static PersistentVolumeClaim claimTemplate(RedisReplicationSpec spec, Role role) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName("data")
                    .withLabels(Labels.common(spec, role))
                .endMetadata()
                .withNewSpec()
                    .withAccessModes(spec.storage().accessMode())
                    .withStorageClassName(spec.storage().storageClass())
                    .withNewResources()
                        .addToRequests("storage", new Quantity(spec.storage().size()))
                    .endResources()
                .endSpec()
                .build();
    }

    private static PodTemplateSpec podTemplate(RedisReplicationSpec spec, Role role, String configHash) {
        Map<String, String> annotations = new TreeMap<>(spec.annotations());
        annotations.put(CONFIG_HASH_ANNOTATION, configHash);
        long uid = spec.image().uid();
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(Labels.common(spec, role))
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withTerminationGracePeriodSeconds((long) TERMINATION_GRACE_SECONDS)
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(uid)
                        .withRunAsGroup(uid)
                        .withFsGroup(uid)
                        .withFsGroupChangePolicy("OnRootMismatch")
                        .withNewSeccompProfile()
                            .withType("RuntimeDefault")
                        .endSeccompProfile()
                    .endSecurityContext()
                    .withImagePullSecrets(spec.image().pullSecrets().stream().map(LocalObjectReference::new).toList())
                    .withNodeSelector(spec.scheduling().nodeSelector().isEmpty()
                            ? null : new TreeMap<>(spec.scheduling().nodeSelector()))
                    .withTolerations(spec.scheduling().tolerations().stream()
                            .map(t -> new io.fabric8.kubernetes.api.model.TolerationBuilder()
                                    .withKey(t.key())
                                    .withOperator(t.operator())
                                    .withValue(t.value())
                                    .withEffect(t.effect())
                                    .build())
                            .toList())
                    .withAffinity(spec.scheduling().spreadOverNodes() ? spread(spec) : null)
                    .withContainers(container(spec, role))
                    .withVolumes(volumes(spec))
                .endSpec()
                .build();
    }

    /** Prefer one Redis pod of this instance per node, so that losing a node loses one pod. */
    private static Affinity spread(RedisReplicationSpec spec) {
        return new AffinityBuilder()
                .withNewPodAntiAffinity()
                    .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                        .withWeight(100)
                        .withNewPodAffinityTerm()
                            .withTopologyKey("kubernetes.io/hostname")
                            .withNewLabelSelector()
                                .withMatchLabels(Labels.selector(spec))
                            .endLabelSelector()
                        .endPodAffinityTerm()
                    .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    private static Container container(RedisReplicationSpec spec, Role role) {
        long uid = spec.image().uid();
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.image().reference())
                .withImagePullPolicy(spec.image().pullPolicy())
                .withCommand("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.START_SCRIPT)
                .addNewPort()
                    .withName("redis")
                    .withContainerPort(ResourceNames.REDIS_PORT)
                    .withProtocol("TCP")
                .endPort()
                .withEnv(env(spec, role))
                .withResources(resources(spec.resources(role)))
                .withReadinessProbe(probe("readiness", 2, 3, 3))
                .withLivenessProbe(probe("liveness", 15, 10, 6))
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(uid)
                    .withRunAsGroup(uid)
                    .withAllowPrivilegeEscalation(false)
                    .withPrivileged(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities()
                        .withDrop("ALL")
                    .endCapabilities()
                    .withNewSeccompProfile()
                        .withType("RuntimeDefault")
                    .endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount()
                    .withName("data")
                    .withMountPath(RedisConfig.DATA_DIR)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName("config")
                    .withMountPath(RedisConfig.CONFIG_DIR)
                    .withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName("runtime")
                    .withMountPath(RedisConfig.RUNTIME_DIR)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName("tmp")
                    .withMountPath("/tmp")
                .endVolumeMount()
                .build();
    }

    private static List<EnvVar> env(RedisReplicationSpec spec, Role role) {
        ResourceNames names = spec.names();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder()
                .withName("POD_NAME")
                .withNewValueFrom()
                    .withNewFieldRef()
                        .withFieldPath("metadata.name")
                    .endFieldRef()
                .endValueFrom()
                .build());
        env.add(new EnvVar("REDIS_ROLE", role.label(), null));
        env.add(new EnvVar("REDIS_PORT", String.valueOf(ResourceNames.REDIS_PORT), null));
        env.add(new EnvVar("REDIS_MASTER_HOST", names.masterHost(), null));
        env.add(new EnvVar("REDIS_MASTER_PORT", String.valueOf(ResourceNames.REDIS_PORT), null));
        env.add(new EnvVar("REDIS_ANNOUNCE_HOST", "$(POD_NAME)." + names.headlessService() + "."
                + spec.namespace() + ".svc." + spec.clusterDomain(), null));
        env.add(new EnvVar("REDIS_CONFIG_DIR", RedisConfig.CONFIG_DIR, null));
        env.add(new EnvVar("REDIS_RUNTIME_DIR", RedisConfig.RUNTIME_DIR, null));
        if (spec.auth().enabled()) {
            env.add(new EnvVarBuilder()
                    .withName("REDIS_PASSWORD")
                    .withNewValueFrom()
                        .withNewSecretKeyRef()
                            .withName(RedisManifests.secretName(spec))
                            .withKey(RedisManifests.secretKey(spec))
                            .withOptional(false)
                        .endSecretKeyRef()
                    .endValueFrom()
                    .build());
        }
        return env;
    }

    private static ResourceRequirements resources(NodeResources r) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity(r.effectiveMemoryRequest()))
                .addToLimits("memory", new Quantity(r.memoryLimit()));
        if (r.cpuRequest() != null) {
            builder.addToRequests("cpu", new Quantity(r.cpuRequest()));
        }
        if (r.cpuLimit() != null) {
            builder.addToLimits("cpu", new Quantity(r.cpuLimit()));
        }
        return builder.build();
    }

    private static Probe probe(String kind, int initialDelay, int period, int failures) {
        return new ProbeBuilder()
                .withNewExec()
                    .withCommand("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.PROBE_SCRIPT, kind)
                .endExec()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(period)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failures)
                .build();
    }

    private static List<Volume> volumes(RedisReplicationSpec spec) {
        List<Volume> volumes = new ArrayList<>();
        if (spec.mode() == Mode.CACHE) {
            volumes.add(new VolumeBuilder()
                    .withName("data")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build());
        }
        volumes.add(new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                    .withName(spec.names().configMap())
                    .withDefaultMode(0444)
                .endConfigMap()
                .build());
        volumes.add(new VolumeBuilder()
                .withName("runtime")
                .withNewEmptyDir()
                    .withMedium("Memory")
                    .withSizeLimit(new Quantity("1Mi"))
                .endEmptyDir()
                .build());
        volumes.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                    .withSizeLimit(new Quantity("16Mi"))
                .endEmptyDir()
                .build());
        return volumes;
    }
}
