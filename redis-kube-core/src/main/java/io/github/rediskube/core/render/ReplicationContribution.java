package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.NodeResources;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The base of every deployment: one master and its replicas. Adds the master and replica StatefulSets (their
 * {@code redis} container running {@code start.sh}, probed by {@code probe.sh}, with the data volume: a claim in
 * STORAGE mode, a bounded emptyDir in CACHE mode), the scripts and the replication directives of redis.conf,
 * the headless, master and replica Services, the Redis port of the NetworkPolicy and the Redis pods' budget.
 */
final class ReplicationContribution implements Contribution {

    /** The main container of a Redis pod. */
    static final String CONTAINER = "redis";

    @Override
    public boolean appliesTo(RedisReplicationSpec spec) {
        return true;
    }

    @Override
    public void configFiles(RedisReplicationSpec spec, Map<String, String> files) {
        for (String script : List.of(RedisConfig.START_SCRIPT, RedisConfig.PROBE_SCRIPT, RedisConfig.PASSWORD_SCRIPT)) {
            files.put(script, RedisConfig.script(script));
        }
    }

    @Override
    public void redisConf(RedisReplicationSpec spec, Role role, StringBuilder conf) {
        RedisConfig.replication(spec, role, conf);
    }

    @Override
    public List<Integer> ingressPorts(RedisReplicationSpec spec) {
        return List.of(ResourceNames.REDIS_PORT);
    }

    @Override
    public List<Workload> workloads(RedisReplicationSpec spec) {
        return List.of(workload(spec, Role.MASTER), workload(spec, Role.REPLICA));
    }

    @Override
    public List<PodService> services(RedisReplicationSpec spec) {
        return List.of(new PodService(PodDraft.Kind.REDIS, Network.headless(spec)),
                new PodService(PodDraft.Kind.REDIS, Network.roleService(spec, Role.MASTER)),
                new PodService(PodDraft.Kind.REDIS, Network.roleService(spec, Role.REPLICA)));
    }

    @Override
    public List<HasMetadata> objects(RedisReplicationSpec spec) {
        List<HasMetadata> objects = new ArrayList<>();
        if (spec.podDisruptionBudget() && Labels.rolesMove(spec)) {
            objects.add(DisruptionBudgets.oneAtATime(
                    Labels.metadata(spec, spec.names().redisDisruptionBudget(), Labels.common(spec)),
                    Labels.redisPods(spec)));
        } else if (spec.podDisruptionBudget() && spec.replicas() > 0) {
            objects.add(DisruptionBudgets.oneAtATime(
                    Labels.metadata(spec, spec.names().of(Role.REPLICA), Labels.common(spec, Role.REPLICA)),
                    new LabelSelectorBuilder().withMatchLabels(Labels.selector(spec, Role.REPLICA)).build()));
        }
        return objects;
    }

    /**
     * A role's StatefulSet: the master's one pod or the replicas. When roles move every Redis pod may start in
     * either role (the start script includes that role's file), so it reads both roles' redis.conf: a change to
     * either rolls them all.
     */
    private static Workload workload(RedisReplicationSpec spec, Role role) {
        PodDraft pod = new PodDraft(PodDraft.Kind.REDIS, role, Labels.common(spec, role), Labels.selector(spec))
                .add(container(spec, role))
                .volumes(volumes(spec));
        if (Labels.rolesMove(spec)) {
            pod.reads(RedisConfig.fileName(Role.MASTER), RedisConfig.fileName(Role.REPLICA));
        } else {
            pod.reads(RedisConfig.fileName(role));
        }
        pod.reads(RedisConfig.START_SCRIPT, RedisConfig.PROBE_SCRIPT, RedisConfig.PASSWORD_SCRIPT);
        boolean storage = spec.mode() == Mode.STORAGE;
        return new Workload(spec.names().of(role), Labels.common(spec, role), Labels.selector(spec, role),
                role == Role.MASTER ? 1 : spec.replicas(), spec.names().headlessService(), Volumes.retention(spec),
                storage ? List.of(Volumes.claim(spec, "data", Labels.selector(spec, role), spec.storage().size()))
                        : List.of(),
                pod);
    }

    private static ContainerBuilder container(RedisReplicationSpec spec, Role role) {
        ResourceNames names = spec.names();
        return Containers.restricted(spec, CONTAINER, spec.image().reference())
                .withCommand(Containers.script(RedisConfig.START_SCRIPT))
                .addNewPort()
                    .withName(Network.PORT_NAME)
                    .withContainerPort(ResourceNames.REDIS_PORT)
                    .withProtocol("TCP")
                .endPort()
                .withEnv(Containers.podName(),
                        ScriptEnv.REDIS_ROLE.is(role.label()),
                        ScriptEnv.REDIS_PORT.is(ResourceNames.REDIS_PORT),
                        ScriptEnv.REDIS_MASTER_HOST.is(names.masterHost()),
                        ScriptEnv.REDIS_MASTER_PORT.is(ResourceNames.REDIS_PORT),
                        ScriptEnv.REDIS_ANNOUNCE_HOST.is(Containers.podHost(spec, names.headlessService())),
                        ScriptEnv.REDIS_CONFIG_DIR.is(RedisConfig.CONFIG_DIR),
                        ScriptEnv.REDIS_RUNTIME_DIR.is(RedisConfig.RUNTIME_DIR))
                .withResources(resources(spec, spec.resources(role)))
                .withReadinessProbe(Containers.exec(Containers.script(RedisConfig.PROBE_SCRIPT, "readiness"), 2, 3, 3))
                .withLivenessProbe(Containers.exec(Containers.script(RedisConfig.PROBE_SCRIPT, "liveness"), 15, 10, 6))
                .addToVolumeMounts(Volumes.mount("data", RedisConfig.DATA_DIR))
                .addAllToVolumeMounts(Volumes.scriptMounts(spec));
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

    private static List<Volume> volumes(RedisReplicationSpec spec) {
        List<Volume> volumes = new ArrayList<>();
        if (spec.mode() == Mode.CACHE) {
            volumes.add(Volumes.emptyDir("data", cacheDataLimit(spec)));
        }
        volumes.addAll(Volumes.scriptVolumes(spec));
        return volumes;
    }
}
