package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.core.spec.SentinelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sentinel mode (on when the spec has a {@link SentinelSpec}). Adds the Sentinel StatefulSet (its
 * {@code sentinel} container running {@code ha.sh sentinel}; in STORAGE mode its state on a small volume), the
 * Sentinel Service and headless Service, the Sentinel port of the NetworkPolicy, the Sentinels' budget, the
 * files {@code ha.sh}, {@code sentinel.conf}, {@code sentinel-master.conf} and {@code redis-peers}, and the
 * {@code min-replicas-*} directives of redis.conf. To every Redis pod it adds the Sentinel-aware start,
 * readiness, liveness and preStop failover ({@code ha.sh}, replacing {@code start.sh}'s and {@code probe.sh}'s
 * direct use), what they read from the environment, a longer grace period, and the role-label sidecar with its
 * ServiceAccount, token and RBAC ({@link LabelerRbac}).
 *
 * <p>The master and replica Services select on {@link Labels#ROLE_LABEL}, which the sidecar keeps equal to the
 * server's live role; a Redis pod is ready only once its label matches its role, so the master Service never
 * sends writes to a pod labelled master that is a replica.
 */
final class SentinelContribution implements Contribution {

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
    private static final int SENTINEL_TERMINATION_GRACE_SECONDS = 10;

    @Override
    public boolean appliesTo(RedisReplicationSpec spec) {
        return spec.sentinelEnabled();
    }

    @Override
    public void configFiles(RedisReplicationSpec spec, Map<String, String> files) {
        files.put(RedisConfig.HA_SCRIPT, RedisConfig.script(RedisConfig.HA_SCRIPT));
        files.put(RedisConfig.SENTINEL_CONF, sentinelConf(spec));
        files.put(RedisConfig.SENTINEL_MASTER_CONF, sentinelMasterConf(spec));
        files.put(RedisConfig.PEERS, peers(spec));
    }

    @Override
    public void redisConf(RedisReplicationSpec spec, Role role, StringBuilder conf) {
        SentinelSpec sentinel = spec.sentinel();
        if (sentinel.minReplicasToWrite() > 0) {
            conf.append("# Durability: refuse writes unless enough replicas are linked and close behind\n");
            RedisConfig.line(conf, "min-replicas-to-write", String.valueOf(sentinel.minReplicasToWrite()));
            RedisConfig.line(conf, "min-replicas-max-lag", String.valueOf(sentinel.minReplicasMaxLagSeconds()));
        }
    }

    @Override
    public List<Integer> ingressPorts(RedisReplicationSpec spec) {
        return List.of(SentinelSpec.SENTINEL_PORT);
    }

    @Override
    public List<PodService> services(RedisReplicationSpec spec) {
        List<ServicePort> ports = List.of(Services.port(CONTAINER, SentinelSpec.SENTINEL_PORT));
        return List.of(
                // where Sentinel-aware clients ask for the master
                new PodService(PodDraft.Kind.SENTINEL, Services.of(
                        Labels.metadata(spec, spec.names().sentinel(), labels(spec)), "ClusterIP", selector(spec),
                        ports)),
                // every Sentinel pod's stable DNS name, so that the Sentinels find each other at start
                new PodService(PodDraft.Kind.SENTINEL, Services.headless(
                        Labels.metadata(spec, spec.names().sentinelHeadlessService(), labels(spec)), selector(spec),
                        ports)));
    }

    @Override
    public List<HasMetadata> objects(RedisReplicationSpec spec) {
        List<HasMetadata> objects = new ArrayList<>(List.of(
                LabelerRbac.serviceAccount(spec), LabelerRbac.role(spec), LabelerRbac.roleBinding(spec)));
        if (spec.podDisruptionBudget()) {
            // keeps a majority of Sentinels up through drains
            objects.add(DisruptionBudgets.oneAtATime(Labels.metadata(spec, spec.names().sentinel(), labels(spec)),
                    new LabelSelectorBuilder().withMatchLabels(selector(spec)).build()));
        }
        return objects;
    }

    @Override
    public List<Workload> workloads(RedisReplicationSpec spec) {
        PodDraft pod = new PodDraft(PodDraft.Kind.SENTINEL, null, labels(spec), selector(spec))
                .add(sentinelContainer(spec))
                .volumes(Volumes.scriptVolumes(spec))
                .terminationGraceSeconds(SENTINEL_TERMINATION_GRACE_SECONDS)
                .reads(RedisConfig.SENTINEL_CONF, RedisConfig.SENTINEL_MASTER_CONF, RedisConfig.HA_SCRIPT,
                        RedisConfig.PASSWORD_SCRIPT);
        return List.of(new Workload(spec.names().sentinel(), labels(spec), selector(spec),
                spec.sentinel().sentinels(), spec.names().sentinelHeadlessService(),
                keepsState(spec) ? Volumes.retention(spec) : null,
                keepsState(spec) ? List.of(Volumes.claim(spec, "data", selector(spec), STATE_VOLUME_SIZE)) : List.of(),
                pod));
    }

    /**
     * A Redis pod starts, is probed and stops through {@code ha.sh}, which asks the Sentinels; the labeler
     * sidecar keeps its role label current.
     */
    @Override
    public void pod(RedisReplicationSpec spec, PodDraft pod) {
        if (pod.kind() != PodDraft.Kind.REDIS) {
            return;
        }
        pod.main()
                .withCommand(Containers.script(RedisConfig.HA_SCRIPT, "start"))
                .withReadinessProbe(Containers.exec(Containers.script(RedisConfig.HA_SCRIPT, "readiness"), 2, 3, 3))
                // alive unless the server does not answer, or it is a replica orphaned from the Sentinels' master
                .withLivenessProbe(Containers.exec(Containers.script(RedisConfig.HA_SCRIPT, "liveness"), 15, 10, 6))
                // a master stopping on purpose (drain, rolling update) asks the Sentinels to fail over first
                .withNewLifecycle()
                    .withNewPreStop()
                        .withNewExec()
                            .withCommand(Containers.script(RedisConfig.HA_SCRIPT, "prestop"))
                        .endExec()
                    .endPreStop()
                .endLifecycle()
                .addToEnv(ScriptEnv.REDIS_SENTINELS.is(addresses(spec)),
                        ScriptEnv.REDIS_MASTER_SET.is(spec.name()),
                        ScriptEnv.REDIS_MODE.is(spec.mode().name().toLowerCase(Locale.ROOT)),
                        ScriptEnv.REDIS_ROLE_DIR.is(ROLE_DIR))
                .addToVolumeMounts(Volumes.mount("role", ROLE_DIR));
        pod.add(labeler(spec))
                .volumes(List.of(Volumes.memory("role", "1Mi"), labelerToken()))
                .terminationGraceSeconds(REDIS_TERMINATION_GRACE_SECONDS)
                .serviceAccount(spec.names().roleLabeler())
                .reads(RedisConfig.HA_SCRIPT);
    }

    /** Sentinel's global directives (the start script adds the monitor line, secrets and announce-ip). */
    static String sentinelConf(RedisReplicationSpec spec) {
        StringBuilder conf = new StringBuilder();
        conf.append("# Rendered by redis-kube for ").append(spec.namespace()).append('/').append(spec.name())
                .append(", Sentinel.\n")
                .append("# ha.sh copies this into a writable file (Sentinel rewrites its config) and appends\n")
                .append("# sentinel monitor, sentinel-master.conf, announce-ip and the passwords.\n");
        RedisConfig.line(conf, "port", String.valueOf(SentinelSpec.SENTINEL_PORT));
        RedisConfig.line(conf, "bind", "* -::*");
        RedisConfig.line(conf, "protected-mode", "no");
        RedisConfig.line(conf, "daemonize", "no");
        RedisConfig.line(conf, "sentinel resolve-hostnames", "yes");
        RedisConfig.line(conf, "sentinel announce-hostnames", "yes");
        return conf.toString();
    }

    /** The per-master directives, which must follow {@code sentinel monitor <name> ...}. */
    static String sentinelMasterConf(RedisReplicationSpec spec) {
        SentinelSpec sentinel = spec.sentinel();
        String set = spec.name();
        StringBuilder conf = new StringBuilder();
        RedisConfig.line(conf, "sentinel down-after-milliseconds " + set, String.valueOf(sentinel.downAfterMillis()));
        RedisConfig.line(conf, "sentinel failover-timeout " + set, String.valueOf(sentinel.failoverTimeoutMillis()));
        RedisConfig.line(conf, "sentinel parallel-syncs " + set, String.valueOf(sentinel.parallelSyncs()));
        return conf.toString();
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
            peers.append(spec.names().podHost(Role.REPLICA, i)).append(':').append(ResourceNames.REDIS_PORT)
                    .append('\n');
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

    /**
     * In STORAGE mode a Sentinel keeps its state (master, epochs, known replicas and Sentinels) on a volume,
     * so that a re-deploy with kept Redis volumes follows the master that holds the newest data.
     */
    private static boolean keepsState(RedisReplicationSpec spec) {
        return spec.mode() == Mode.STORAGE;
    }

    private static ContainerBuilder sentinelContainer(RedisReplicationSpec spec) {
        ResourceNames names = spec.names();
        List<String> probe = Containers.script(RedisConfig.HA_SCRIPT, "sentinel-probe");
        ContainerBuilder container = Containers.restricted(spec, CONTAINER, spec.image().reference())
                .withCommand(Containers.script(RedisConfig.HA_SCRIPT, "sentinel"))
                .addNewPort()
                    .withName(CONTAINER)
                    .withContainerPort(SentinelSpec.SENTINEL_PORT)
                    .withProtocol("TCP")
                .endPort()
                .withEnv(Containers.podName(),
                        ScriptEnv.SENTINEL_PORT.is(SentinelSpec.SENTINEL_PORT),
                        ScriptEnv.SENTINEL_QUORUM.is(spec.sentinel().quorum()),
                        ScriptEnv.SENTINEL_ANNOUNCE_HOST.is(Containers.podHost(spec, names.sentinelHeadlessService())),
                        ScriptEnv.REDIS_SENTINELS.is(addresses(spec)),
                        ScriptEnv.REDIS_MASTER_SET.is(spec.name()),
                        ScriptEnv.REDIS_MASTER_HOST.is(names.masterHost()),
                        ScriptEnv.REDIS_MASTER_PORT.is(ResourceNames.REDIS_PORT),
                        ScriptEnv.REDIS_CONFIG_DIR.is(RedisConfig.CONFIG_DIR),
                        ScriptEnv.REDIS_RUNTIME_DIR.is(RedisConfig.RUNTIME_DIR))
                .withResources(Containers.small("50m", "64Mi"))
                .withReadinessProbe(Containers.exec(probe, 2, 3, 3))
                .withLivenessProbe(Containers.exec(probe, 15, 10, 6))
                .withVolumeMounts(Volumes.scriptMounts(spec));
        if (keepsState(spec)) {
            container.addToEnv(ScriptEnv.SENTINEL_STATE_DIR.is(STATE_DIR))
                    .addToVolumeMounts(Volumes.mount("data", STATE_DIR));
        }
        return container;
    }

    /** The sidecar that patches {@link Labels#ROLE_LABEL} to the role the readiness probe recorded. */
    private static ContainerBuilder labeler(RedisReplicationSpec spec) {
        return Containers.restricted(spec, LABELER_CONTAINER, spec.sentinel().labelerImage())
                .withCommand(Containers.script(RedisConfig.HA_SCRIPT, "label"))
                .withEnv(Containers.podName(), ScriptEnv.REDIS_ROLE_DIR.is(ROLE_DIR), ScriptEnv.HOME.is("/tmp"))
                .withResources(Containers.small("10m", "64Mi"))
                .withVolumeMounts(Volumes.readOnly(Volumes.CONFIG, RedisConfig.CONFIG_DIR),
                        Volumes.mount("role", ROLE_DIR),
                        Volumes.readOnly("labeler-token", TOKEN_DIR),
                        Volumes.mount(Volumes.TMP, "/tmp"));
    }

    /** The labeler's token, mounted into the sidecar only (the pod does not automount one). */
    private static Volume labelerToken() {
        return new VolumeBuilder()
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
                .build();
    }
}
