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
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.LabelKeys;
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
    static final String CONFIG_HASH_ANNOTATION = LabelKeys.PREFIX + "config-hash";
    static final int TERMINATION_GRACE_SECONDS = 30;

    private Workloads() {
    }

    static StatefulSet statefulSet(RedisReplicationSpec spec, Role role, String configHash) {
        ResourceNames names = spec.names();
        boolean storage = spec.mode() == Mode.STORAGE;
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
                    .withPersistentVolumeClaimRetentionPolicy(retention(spec))
                    .withTemplate(podTemplate(spec, role, configHash))
                    .withVolumeClaimTemplates(storage ? List.of(claimTemplate(spec, role)) : List.of())
                .endSpec()
                .build();
    }

    /** Volumes are kept on delete unless the spec says otherwise, and always on scale-down. */
    static StatefulSetPersistentVolumeClaimRetentionPolicy retention(RedisReplicationSpec spec) {
        boolean delete = spec.mode() == Mode.STORAGE && spec.storage().deleteVolumesOnDelete();
        return new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
                .withWhenDeleted(delete ? "Delete" : "Retain")
                .withWhenScaled("Retain")
                .build();
    }

    private static PersistentVolumeClaim claimTemplate(RedisReplicationSpec spec, Role role) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName("data")
                    .withLabels(Labels.selector(spec, role))   // claim templates are immutable: no user labels
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

    /**
     * The annotations of every pod template: the spec's, the config hash and, with a generated password, the
     * password hash, so that pods roll (all of them, master and replicas and Sentinels) when the Secret's
     * password is replaced by re-applying another build's export.
     */
    static Map<String, String> podAnnotations(RedisReplicationSpec spec, String configHash) {
        Map<String, String> annotations = new TreeMap<>(spec.annotations());
        annotations.put(CONFIG_HASH_ANNOTATION, configHash);
        if (spec.auth().kind() == Auth.Kind.GENERATED) {
            annotations.put(RedisManifests.PASSWORD_HASH_ANNOTATION,
                    RedisManifests.passwordHash(spec, spec.auth().password()));
        }
        return annotations;
    }

    private static PodTemplateSpec podTemplate(RedisReplicationSpec spec, Role role, String configHash) {
        Map<String, String> annotations = podAnnotations(spec, configHash);
        long uid = spec.image().uid();
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(Labels.common(spec, role))
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withTerminationGracePeriodSeconds((long) (spec.sentinelEnabled()
                            ? Sentinels.REDIS_TERMINATION_GRACE_SECONDS : TERMINATION_GRACE_SECONDS))
                    .withServiceAccountName(spec.sentinelEnabled() ? spec.names().roleLabeler() : null)
                    .withSecurityContext(podSecurity(uid))
                    .withImagePullSecrets(spec.image().pullSecrets().stream().map(LocalObjectReference::new).toList())
                    .withNodeSelector(spec.scheduling().nodeSelector().isEmpty()
                            ? null : new TreeMap<>(spec.scheduling().nodeSelector()))
                    .withTolerations(tolerations(spec))
                    .withAffinity(spec.scheduling().spreadOverNodes() ? spread(Labels.selector(spec)) : null)
                    .withContainers(spec.sentinelEnabled()
                            ? List.of(container(spec, role), Sentinels.labeler(spec))
                            : List.of(container(spec, role)))
                    .withVolumes(volumes(spec))
                .endSpec()
                .build();
    }

    static List<io.fabric8.kubernetes.api.model.Toleration> tolerations(RedisReplicationSpec spec) {
        return spec.scheduling().tolerations().stream()
                .map(t -> new io.fabric8.kubernetes.api.model.TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator())
                        .withValue(t.value())
                        .withEffect(t.effect())
                        .build())
                .toList();
    }

    /** Prefer one pod of those selected per node, so that losing a node loses one pod. */
    static Affinity spread(Map<String, String> selector) {
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

    private static Container container(RedisReplicationSpec spec, Role role) {
        long uid = spec.image().uid();
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.image().reference())
                .withImagePullPolicy(spec.image().pullPolicy())
                .withCommand(spec.sentinelEnabled()
                        ? List.of("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "start")
                        : List.of("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.START_SCRIPT))
                .addNewPort()
                    .withName("redis")
                    .withContainerPort(ResourceNames.REDIS_PORT)
                    .withProtocol("TCP")
                .endPort()
                .withEnv(env(spec, role))
                .withResources(resources(spec, spec.resources(role)))
                .withReadinessProbe(spec.sentinelEnabled() ? Sentinels.readiness() : probe("readiness", 2, 3, 3))
                .withLifecycle(spec.sentinelEnabled() ? Sentinels.preStop() : null)
                .withLivenessProbe(spec.sentinelEnabled() ? Sentinels.liveness() : probe("liveness", 15, 10, 6))
                .withSecurityContext(containerSecurity(uid))
                .addNewVolumeMount()
                    .withName("data")
                    .withMountPath(RedisConfig.DATA_DIR)
                .endVolumeMount()
                .addAllToVolumeMounts(scriptMounts())
                .addAllToVolumeMounts(PasswordFile.mounts(spec))
                .addAllToVolumeMounts(spec.sentinelEnabled() ? List.of(Sentinels.roleMount()) : List.of())
                .build();
    }

    /** The mounts every container that runs our scripts needs: the ConfigMap (read-only), runtime and /tmp. */
    static List<VolumeMount> scriptMounts() {
        return List.of(
                new VolumeMountBuilder()
                        .withName("config")
                        .withMountPath(RedisConfig.CONFIG_DIR)
                        .withReadOnly(true)
                        .build(),
                new VolumeMountBuilder()
                        .withName("runtime")
                        .withMountPath(RedisConfig.RUNTIME_DIR)
                        .build(),
                new VolumeMountBuilder()
                        .withName("tmp")
                        .withMountPath("/tmp")
                        .build());
    }

    /** The restricted profile, pod level: non-root with the image's uid, seccomp RuntimeDefault. */
    static PodSecurityContext podSecurity(long uid) {
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

    /** The restricted profile, container level, plus a read-only root filesystem. */
    static SecurityContext containerSecurity(long uid) {
        return new SecurityContextBuilder()
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
                .build();
    }

    static List<EnvVar> env(RedisReplicationSpec spec, Role role) {
        ResourceNames names = spec.names();
        List<EnvVar> env = new ArrayList<>();
        env.add(podNameEnv());
        env.add(ScriptEnv.REDIS_ROLE.is(role.label()));
        env.add(ScriptEnv.REDIS_PORT.is(ResourceNames.REDIS_PORT));
        env.add(ScriptEnv.REDIS_MASTER_HOST.is(names.masterHost()));
        env.add(ScriptEnv.REDIS_MASTER_PORT.is(ResourceNames.REDIS_PORT));
        env.add(ScriptEnv.REDIS_ANNOUNCE_HOST.is(ScriptEnv.POD_NAME.reference() + "." + names.headlessService() + "."
                + spec.namespace() + ".svc." + spec.clusterDomain()));
        env.add(ScriptEnv.REDIS_CONFIG_DIR.is(RedisConfig.CONFIG_DIR));
        env.add(ScriptEnv.REDIS_RUNTIME_DIR.is(RedisConfig.RUNTIME_DIR));
        if (spec.sentinelEnabled()) {
            env.addAll(Sentinels.redisEnv(spec));
        }
        env.addAll(PasswordFile.env(spec));
        return env;
    }

    /** {@code POD_NAME} from the downward API, for the scripts of every container that needs its pod's name. */
    static EnvVar podNameEnv() {
        return new EnvVarBuilder()
                .withName(ScriptEnv.POD_NAME.name())
                .withNewValueFrom()
                    .withNewFieldRef()
                        .withFieldPath("metadata.name")
                    .endFieldRef()
                .endValueFrom()
                .build();
    }

    private static ResourceRequirements resources(RedisReplicationSpec spec, NodeResources r) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity(r.effectiveMemoryRequest()))
                .addToLimits("memory", new Quantity(r.memoryLimit()));
        if (spec.mode() == Mode.CACHE) {
            // the data emptyDir is on the node's disk: request the room a transient sync file needs
            builder.addToRequests("ephemeral-storage", new Quantity(cacheDataLimit(spec)));
        }
        if (r.cpuRequest() != null) {
            builder.addToRequests("cpu", new Quantity(r.cpuRequest()));
        }
        if (r.cpuLimit() != null) {
            builder.addToLimits("cpu", new Quantity(r.cpuLimit()));
        }
        return builder.build();
    }

    /**
     * The disk a CACHE pod's data directory may use: a replica resyncing into a non-empty dataset writes the
     * master's RDB there (deleted after loading, {@code rdb-del-sync-files}); it is no larger than the memory
     * limit. Equal for every role, since with Sentinel the roles move.
     */
    static String cacheDataLimit(RedisReplicationSpec spec) {
        String master = spec.resources(Role.MASTER).memoryLimit();
        String replica = spec.resources(Role.REPLICA).memoryLimit();
        return new Quantity(replica).getNumericalAmount().compareTo(new Quantity(master).getNumericalAmount()) > 0
                ? replica : master;
    }

    static Probe probe(String kind, int initialDelay, int period, int failures) {
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
                        .withSizeLimit(new Quantity(cacheDataLimit(spec)))
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
        volumes.addAll(PasswordFile.volumes(spec));
        if (spec.sentinelEnabled()) {
            volumes.addAll(Sentinels.redisVolumes());
        }
        return volumes;
    }
}
