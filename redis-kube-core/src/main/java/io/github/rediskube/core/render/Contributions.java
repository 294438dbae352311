package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registered contributions, in order, and the assembly of their parts into the objects to apply: one
 * ConfigMap of every contribution's files, redis.conf per role from every contribution's directives, one
 * NetworkPolicy opening every contribution's ports, the Services with every contribution's ports for their pods,
 * the workloads with every contribution's additions to their pods, and all objects ordered by kind (as
 * {@link RedisManifests} documents), stable within a kind.
 */
final class Contributions {

    /** Every feature, in the order its parts appear within a kind, a pod's containers, env, mounts and volumes. */
    static final List<Contribution> REGISTERED = List.of(
            new ReplicationContribution(),
            new SentinelContribution(),
            new MetricsContribution(),
            new PlacementContribution());

    /** Apply order by kind; kinds not listed follow, in contribution order. */
    private static final List<String> KIND_ORDER = List.of("Secret", "ConfigMap", "ServiceAccount", "Role",
            "RoleBinding", "Service", "NetworkPolicy", "PodDisruptionBudget", "StatefulSet");

    private Contributions() {
    }

    static List<HasMetadata> render(RedisReplicationSpec spec) {
        return render(spec, REGISTERED);
    }

    /** @return the objects of the {@code registered} contributions the spec turns on */
    static List<HasMetadata> render(RedisReplicationSpec spec, List<Contribution> registered) {
        List<Contribution> on = registered.stream().filter(c -> c.appliesTo(spec)).toList();
        ConfigMap config = configMap(spec, on);
        List<HasMetadata> objects = new ArrayList<>();
        if (spec.auth().kind() == Auth.Kind.GENERATED) {
            objects.add(PasswordFile.secret(spec));
        }
        objects.add(config);
        List<Integer> ports = new ArrayList<>();
        for (Contribution c : on) {
            for (Contribution.PodService service : c.services(spec)) {
                objects.add(withPorts(service.service(), on.stream()
                        .flatMap(other -> other.servicePorts(spec, service.pods()).stream()).toList()));
            }
            objects.addAll(c.objects(spec));
            ports.addAll(c.ingressPorts(spec));
        }
        objects.add(Network.networkPolicy(spec, ports));
        for (Contribution owner : on) {
            for (Workload workload : owner.workloads(spec)) {
                on.forEach(c -> c.pod(spec, workload.pod()));
                objects.add(workload.statefulSet(spec, configHash(config, workload.pod().reads())));
            }
        }
        objects.sort(Comparator.comparingInt(Contributions::kindRank));
        return objects;
    }

    /** The role's redis.conf: a header, every contribution's directives, then the spec's own. */
    static String redisConf(RedisReplicationSpec spec, Role role) {
        return redisConf(spec, role, REGISTERED.stream().filter(c -> c.appliesTo(spec)).toList());
    }

    private static String redisConf(RedisReplicationSpec spec, Role role, List<Contribution> on) {
        StringBuilder conf = new StringBuilder();
        conf.append("# Rendered by redis-kube for ").append(spec.namespace()).append('/').append(spec.name())
                .append(", role ").append(role.label()).append(".\n")
                .append("# The start script includes this file and adds the password and, on replicas, replicaof.\n");
        on.forEach(c -> c.redisConf(spec, role, conf));
        if (!spec.redisConfig().isEmpty()) {
            conf.append("# Directives from the spec\n");
            spec.redisConfig().forEach((directive, value) -> RedisConfig.line(conf, directive, value));
        }
        return conf.toString();
    }

    private static ConfigMap configMap(RedisReplicationSpec spec, List<Contribution> on) {
        Map<String, String> data = new TreeMap<>();
        for (Role role : Role.values()) {
            data.put(RedisConfig.fileName(role), redisConf(spec, role, on));
        }
        on.forEach(c -> c.configFiles(spec, data));
        return new ConfigMapBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().configMap(), Labels.common(spec)))
                .withData(data)
                .build();
    }

    /**
     * A digest of what the pods read from the ConfigMap: a change rolls the pods. What follows the replica
     * count is left out ({@link RedisConfig#withoutScaleHints}), so scaling the replicas never rolls the master
     * (with Sentinel, a roll of the master is a failover).
     */
    private static String configHash(ConfigMap config, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String key : keys) {
            parts.add(key);
            parts.add(RedisConfig.withoutScaleHints(config.getData().get(key)));
        }
        return RedisManifests.sha256(parts);
    }

    private static Service withPorts(Service service, List<ServicePort> ports) {
        return ports.isEmpty() ? service
                : new ServiceBuilder(service).editSpec().addAllToPorts(ports).endSpec().build();
    }

    private static int kindRank(HasMetadata object) {
        int rank = KIND_ORDER.indexOf(object.getKind());
        return rank < 0 ? KIND_ORDER.size() : rank;
    }
}
