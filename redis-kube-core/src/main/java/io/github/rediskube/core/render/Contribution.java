package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.List;
import java.util.Map;

/**
 * One feature's part of the rendering: what it adds to the ConfigMap, to redis.conf, to the NetworkPolicy, the
 * workloads it owns, what it adds to every pod (its own and the other features'), its Services, the ports it adds
 * to every Service, and its other objects. Every
 * method but {@link #appliesTo} adds nothing by default; a contribution never asks whether another one is on.
 * Registered in {@link Contributions}; see the package documentation for how to add one.
 */
interface Contribution {

    /** @return whether the spec turns this feature on */
    boolean appliesTo(RedisReplicationSpec spec);

    /** Adds ConfigMap entries (file name to content): scripts and config files the pods read. */
    default void configFiles(RedisReplicationSpec spec, Map<String, String> files) {
    }

    /** Appends directives to the role's redis.conf (with {@link RedisConfig#line}); the spec's own come last. */
    default void redisConf(RedisReplicationSpec spec, Role role, StringBuilder conf) {
    }

    /**
     * Appends directives to sentinel.conf's global part (with {@link RedisConfig#line}), after the Sentinel
     * contribution's own; written only when a contribution ships sentinel.conf.
     */
    default void sentinelConf(RedisReplicationSpec spec, StringBuilder conf) {
    }

    /** @return the TCP ports the NetworkPolicy opens to the deployment's pods and clients */
    default List<Integer> ingressPorts(RedisReplicationSpec spec) {
        return List.of();
    }

    /**
     * @return the StatefulSets this feature owns, their main containers in place; every contribution's
     *         {@link #pod} follows
     */
    default List<Workload> workloads(RedisReplicationSpec spec) {
        return List.of();
    }

    /**
     * Adds to a pod of any contribution's workload ({@link PodDraft#kind()} says which): sidecars, volumes, env,
     * ports and mounts of the main container, files read; may replace the main container's command, probes
     * and lifecycle when the feature changes how it runs.
     */
    default void pod(RedisReplicationSpec spec, PodDraft pod) {
    }

    /**
     * @return the Services this feature owns, each with the kind of pods it fronts; every contribution's
     *         {@link #servicePorts} for that kind are added to it
     */
    default List<PodService> services(RedisReplicationSpec spec) {
        return List.of();
    }

    /** @return named ports this feature adds to every Service fronting pods of {@code kind} (a metrics port, say) */
    default List<ServicePort> servicePorts(RedisReplicationSpec spec, PodDraft.Kind kind) {
        return List.of();
    }

    /** @return objects besides the ConfigMap, NetworkPolicy, Services and StatefulSets (RBAC, budgets, ...) */
    default List<HasMetadata> objects(RedisReplicationSpec spec) {
        return List.of();
    }

    /**
     * A Service and the kind of pods it selects.
     *
     * @param pods    what its pods run
     * @param service the Service, before other contributions' {@link #servicePorts} are added
     */
    record PodService(PodDraft.Kind pods, Service service) {
    }
}
