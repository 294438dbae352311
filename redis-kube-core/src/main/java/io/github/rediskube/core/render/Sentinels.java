package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.github.rediskube.core.spec.LabelKeys;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.core.spec.SentinelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sentinel mode: the Sentinel StatefulSet and Service, what Redis pods gain (the Sentinel-aware start,
 * readiness and preStop, the role-label sidecar); the sidecar's RBAC is {@link LabelerRbac}.
 *
 * <p>The master and replica Services select on {@value #ROLE_LABEL}, which the sidecar keeps equal to the
 * server's live role; a Redis pod is ready only once its label matches its role, so the master Service
 * never sends writes to a pod labelled master that is a replica.
 */
final class Sentinels {

    /** The pod label the master/replica Services select on in Sentinel mode: {@code master} or {@code replica}. */
    static final String ROLE_LABEL = LabelKeys.PREFIX + "role";
    static final String COMPONENT = "sentinel";
    static final String CONTAINER = "sentinel";
    static final String LABELER_CONTAINER = "role-labeler";
    static final String ROLE_DIR = "/run/redis-kube-role";
    static final String TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    /** Where a Sentinel keeps its state (its rewritten sentinel.conf) on a volume, in STORAGE mode. */
    static final String STATE_DIR = "/data";
    /** The Sentinel's state volume: a few KiB of sentinel.conf. */
    static final String STATE_VOLUME_SIZE = "64Mi";
    /** PreStop failover (bounded at 15 s) plus Redis' own shutdown-timeout. */
    static final int REDIS_TERMINATION_GRACE_SECONDS = 45;

    private Sentinels() {
    }

    /** @return {@code host:26379} of every Sentinel pod, space-separated, as ha.sh reads them */
    static String addresses(RedisReplicationSpec spec) {
        return IntStream.range(0, spec.sentinel().sentinels())
                .mapToObj(i -> spec.names().sentinelPodHost(i) + ":" + SentinelSpec.SENTINEL_PORT)
                .collect(Collectors.joining(" "));
    }

    /** @return every Redis pod's {@code host:6379}, one a line: master-0, then the replicas by ordinal */
    static String peers(RedisReplicationSpec spec) {
        StringBuilder peers = new StringBuilder();
        peers.append(spec.names().podHost(Role.MASTER, 0)).append(':').append(ResourceNames.REDIS_PORT).append('\n');
        for (int i = 0; i < spec.replicas(); i++) {
            peers.append(spec.names().podHost(Role.REPLICA, i)).append(':').append(ResourceNames.REDIS_PORT).append('\n');
        }
        return peers.toString();
    }

    static Map<String, String> labels(RedisReplicationSpec spec) {
        Map<String, String> labels = Labels.common(spec);
        labels.put(Labels.COMPONENT, COMPONENT);
        return labels;
    }

    static Map<String, String> selector(RedisReplicationSpec spec) {
        Map<String, String> labels = Labels.selector(spec);
        labels.put(Labels.COMPONENT, COMPONENT);
        return labels;
    }

    /** What a Redis pod's start script needs to ask the Sentinels. */
    static List<EnvVar> redisEnv(RedisReplicationSpec spec) {
        return List.of(
                ScriptEnv.REDIS_SENTINELS.is(addresses(spec)),
                ScriptEnv.REDIS_MASTER_SET.is(spec.name()),
                ScriptEnv.REDIS_MODE.is(spec.mode().name().toLowerCase(java.util.Locale.ROOT)),
                ScriptEnv.REDIS_ROLE_DIR.is(ROLE_DIR));
    }

    static Probe readiness() {
        return exec(List.of("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "readiness"), 2, 3, 3);
    }

    /** Alive unless the server does not answer, or it is a replica orphaned from the Sentinels' master. */
    static Probe liveness() {
        return exec(List.of("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "liveness"), 15, 10, 6);
    }

    /** A master stopping on purpose (drain, rolling update) asks the Sentinels to fail over first. */
    static Lifecycle preStop() {
        return new LifecycleBuilder()
                .withNewPreStop()
                    .withNewExec()
                        .withCommand("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "prestop")
                    .endExec()
                .endPreStop()
                .build();
    }

    static VolumeMount roleMount() {
        return new VolumeMountBuilder().withName("role").withMountPath(ROLE_DIR).build();
    }

    /** The role files shared with the sidecar, and a token mounted into the sidecar only. */
    static List<Volume> redisVolumes() {
        return List.of(
                new VolumeBuilder()
                        .withName("role")
                        .withNewEmptyDir()
                            .withMedium("Memory")
                            .withSizeLimit(new Quantity("1Mi"))
                        .endEmptyDir()
                        .build(),
                new VolumeBuilder()
                        .withName("labeler-token")
                        .withNewProjected()
                            .withDefaultMode(0444)
                            .addNewSource()
                                .withNewServiceAccountToken()
                                    .withPath("token")
                                    .withExpirationSeconds(3600L)
                                .endServiceAccountToken()
                            .endSource()
                            .addNewSource()
                                .withNewConfigMap()
                                    .withName("kube-root-ca.crt")
                                    .addNewItem()
                                        .withKey("ca.crt")
                                        .withPath("ca.crt")
                                    .endItem()
                                .endConfigMap()
                            .endSource()
                            .addNewSource()
                                .withNewDownwardAPI()
                                    .addNewItem()
                                        .withPath("namespace")
                                        .withNewFieldRef()
                                            .withFieldPath("metadata.namespace")
                                        .endFieldRef()
                                    .endItem()
                                .endDownwardAPI()
                            .endSource()
                        .endProjected()
                        .build());
    }

    /** The sidecar that patches {@value #ROLE_LABEL} to the role the readiness probe recorded. */
    static Container labeler(RedisReplicationSpec spec) {
        return new ContainerBuilder()
                .withName(LABELER_CONTAINER)
                .withImage(spec.sentinel().labelerImage())
                .withImagePullPolicy(spec.image().pullPolicy())
                .withCommand("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "label")
                .withEnv(Workloads.podNameEnv(), ScriptEnv.REDIS_ROLE_DIR.is(ROLE_DIR), ScriptEnv.HOME.is("/tmp"))
                .withNewResources()
                    .addToRequests("cpu", new Quantity("10m"))
                    .addToRequests("memory", new Quantity("64Mi"))
                    .addToLimits("memory", new Quantity("64Mi"))
                .endResources()
                .withSecurityContext(Workloads.containerSecurity(spec.image().uid()))
                .addNewVolumeMount()
                    .withName("config")
                    .withMountPath(RedisConfig.CONFIG_DIR)
                    .withReadOnly(true)
                .endVolumeMount()
                .addToVolumeMounts(roleMount())
                .addNewVolumeMount()
                    .withName("labeler-token")
                    .withMountPath(TOKEN_DIR)
                    .withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName("tmp")
                    .withMountPath("/tmp")
                .endVolumeMount()
                .build();
    }

    /** Where Sentinel-aware clients ask for the master. */
    static Service service(RedisReplicationSpec spec) {
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().sentinel(), labels(spec)))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selector(spec))
                    .addNewPort()
                        .withName(CONTAINER)
                        .withPort(SentinelSpec.SENTINEL_PORT)
                        .withTargetPort(new IntOrString(CONTAINER))
                        .withProtocol("TCP")
                    .endPort()
                .endSpec()
                .build();
    }

    /**
     * Gives every Sentinel pod its stable DNS name ({@code <pod>.<name>-sentinel-headless}) with the port the
     * Sentinels listen on; published before the pods are ready so that the Sentinels find each other at start.
     */
    static Service headlessService(RedisReplicationSpec spec) {
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().sentinelHeadlessService(), labels(spec)))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(selector(spec))
                    .addNewPort()
                        .withName(CONTAINER)
                        .withPort(SentinelSpec.SENTINEL_PORT)
                        .withTargetPort(new IntOrString(CONTAINER))
                        .withProtocol("TCP")
                    .endPort()
                .endSpec()
                .build();
    }

    static StatefulSet statefulSet(RedisReplicationSpec spec, String configHash) {
        Map<String, String> annotations = Workloads.podAnnotations(spec, configHash);
        long uid = spec.image().uid();
        return new StatefulSetBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().sentinel(), labels(spec)))
                .withNewSpec()
                    .withReplicas(spec.sentinel().sentinels())
                    .withServiceName(spec.names().sentinelHeadlessService())
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector()
                        .withMatchLabels(selector(spec))
                    .endSelector()
                    .withNewUpdateStrategy()
                        .withType("RollingUpdate")
                    .endUpdateStrategy()
                    .withPersistentVolumeClaimRetentionPolicy(keepsState(spec) ? Workloads.retention(spec) : null)
                    .withVolumeClaimTemplates(keepsState(spec) ? List.of(stateClaim(spec)) : List.of())
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels(spec))
                            .withAnnotations(annotations)
                        .endMetadata()
                        .withNewSpec()
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withTerminationGracePeriodSeconds(10L)
                            .withSecurityContext(Workloads.podSecurity(uid))
                            .withImagePullSecrets(spec.image().pullSecrets().stream()
                                    .map(LocalObjectReference::new).toList())
                            .withNodeSelector(spec.scheduling().nodeSelector().isEmpty()
                                    ? null : new TreeMap<>(spec.scheduling().nodeSelector()))
                            .withTolerations(Workloads.tolerations(spec))
                            .withAffinity(spec.scheduling().spreadOverNodes() ? Workloads.spread(selector(spec)) : null)
                            .withContainers(sentinelContainer(spec))
                            .withVolumes(sentinelVolumes(spec))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container sentinelContainer(RedisReplicationSpec spec) {
        List<String> probe = List.of("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "sentinel-probe");
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.image().reference())
                .withImagePullPolicy(spec.image().pullPolicy())
                .withCommand("sh", RedisConfig.CONFIG_DIR + "/" + RedisConfig.HA_SCRIPT, "sentinel")
                .addNewPort()
                    .withName(CONTAINER)
                    .withContainerPort(SentinelSpec.SENTINEL_PORT)
                    .withProtocol("TCP")
                .endPort()
                .withEnv(sentinelEnv(spec))
                .withNewResources()
                    .addToRequests("cpu", new Quantity("50m"))
                    .addToRequests("memory", new Quantity("64Mi"))
                    .addToLimits("memory", new Quantity("64Mi"))
                .endResources()
                .withReadinessProbe(exec(probe, 2, 3, 3))
                .withLivenessProbe(exec(probe, 15, 10, 6))
                .withSecurityContext(Workloads.containerSecurity(spec.image().uid()))
                .withVolumeMounts(sentinelMounts(spec))
                .build();
    }

    /**
     * In STORAGE mode a Sentinel keeps its state (master, epochs, known replicas and Sentinels) on a volume,
     * so that a re-deploy with kept Redis volumes follows the master that holds the newest data.
     */
    private static boolean keepsState(RedisReplicationSpec spec) {
        return spec.mode() == Mode.STORAGE;
    }

    private static PersistentVolumeClaim stateClaim(RedisReplicationSpec spec) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName("data")
                    .withLabels(selector(spec))   // claim templates are immutable: no user labels
                .endMetadata()
                .withNewSpec()
                    .withAccessModes(spec.storage().accessMode())
                    .withStorageClassName(spec.storage().storageClass())
                    .withNewResources()
                        .addToRequests("storage", new Quantity(STATE_VOLUME_SIZE))
                    .endResources()
                .endSpec()
                .build();
    }

    private static List<VolumeMount> sentinelMounts(RedisReplicationSpec spec) {
        List<VolumeMount> mounts = new ArrayList<>(Workloads.scriptMounts());
        mounts.addAll(PasswordFile.mounts(spec));
        if (keepsState(spec)) {
            mounts.add(new VolumeMountBuilder().withName("data").withMountPath(STATE_DIR).build());
        }
        return mounts;
    }

    private static List<EnvVar> sentinelEnv(RedisReplicationSpec spec) {
        ResourceNames names = spec.names();
        List<EnvVar> env = new ArrayList<>();
        env.add(Workloads.podNameEnv());
        env.add(ScriptEnv.SENTINEL_PORT.is(SentinelSpec.SENTINEL_PORT));
        env.add(ScriptEnv.SENTINEL_QUORUM.is(spec.sentinel().quorum()));
        env.add(ScriptEnv.SENTINEL_ANNOUNCE_HOST.is(ScriptEnv.POD_NAME.reference() + "." + names.sentinelHeadlessService() + "."
                + spec.namespace() + ".svc." + spec.clusterDomain()));
        env.add(ScriptEnv.REDIS_SENTINELS.is(addresses(spec)));
        env.add(ScriptEnv.REDIS_MASTER_SET.is(spec.name()));
        env.add(ScriptEnv.REDIS_MASTER_HOST.is(names.masterHost()));
        env.add(ScriptEnv.REDIS_MASTER_PORT.is(ResourceNames.REDIS_PORT));
        env.add(ScriptEnv.REDIS_CONFIG_DIR.is(RedisConfig.CONFIG_DIR));
        env.add(ScriptEnv.REDIS_RUNTIME_DIR.is(RedisConfig.RUNTIME_DIR));
        if (keepsState(spec)) {
            env.add(ScriptEnv.SENTINEL_STATE_DIR.is(STATE_DIR));
        }
        env.addAll(PasswordFile.env(spec));
        return env;
    }

    private static List<Volume> sentinelVolumes(RedisReplicationSpec spec) {
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder()
                        .withName("config")
                        .withNewConfigMap()
                            .withName(spec.names().configMap())
                            .withDefaultMode(0444)
                        .endConfigMap()
                        .build(),
                new VolumeBuilder()
                        .withName("runtime")
                        .withNewEmptyDir()
                            .withMedium("Memory")
                            .withSizeLimit(new Quantity("1Mi"))
                        .endEmptyDir()
                        .build(),
                new VolumeBuilder()
                        .withName("tmp")
                        .withNewEmptyDir()
                            .withSizeLimit(new Quantity("16Mi"))
                        .endEmptyDir()
                        .build()));
        volumes.addAll(PasswordFile.volumes(spec));
        return volumes;
    }

    private static Probe exec(List<String> command, int initialDelay, int period, int failures) {
        return new ProbeBuilder()
                .withNewExec()
                    .withCommand(command)
                .endExec()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(period)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failures)
                .build();
    }
}
