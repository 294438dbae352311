package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads what runs and where clients reach it, from the live objects alone (works for attached handles). */
final class StatusReader {

    private StatusReader() {
    }

    static DeploymentStatus read(Instance instance, String knownClusterDomain) {
        try {
            StatefulSet master = instance.statefulSet(Role.MASTER);
            StatefulSet replicas = instance.statefulSet(Role.REPLICA);
            ResourceNames names = names(instance, master, knownClusterDomain);
            String masterPrefix = instance.statefulSetName(Role.MASTER) + "-";
            List<DeploymentStatus.PodState> pods = instance.pods().stream()
                    .sorted(Comparator.comparing((Pod p) -> !p.getMetadata().getName().startsWith(masterPrefix))
                            .thenComparing(p -> p.getMetadata().getName()))
                    .map(p -> podState(p, names)).toList();
            int replicaCount = replicas == null || replicas.getSpec().getReplicas() == null ? 0
                    : replicas.getSpec().getReplicas();
            List<String> replicaHosts = new ArrayList<>();
            for (int i = 0; i < replicaCount; i++) {
                replicaHosts.add(names.podHost(Role.REPLICA, i));
            }
            SecretKeySelector password = passwordRef(master);
            return new DeploymentStatus(instance.namespace(), instance.name(), pods, names.serviceHost(Role.MASTER),
                    names.serviceHost(Role.REPLICA), ResourceNames.REDIS_PORT, replicaHosts,
                    nodePort(instance, names, Role.MASTER), nodePort(instance, names, Role.REPLICA),
                    password == null ? null : password.getName(),
                    password == null ? null : password.getKey());
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading status of", null, instance.namespace(), instance.name(), e,
                    List.of());
        }
    }

    /** @return the deployment's names, its cluster domain the known one or the one its master was rendered with */
    static ResourceNames names(Instance instance, StatefulSet master, String knownClusterDomain) {
        return new ResourceNames(instance.name(), instance.namespace(),
                knownClusterDomain != null ? knownClusterDomain : clusterDomain(master));
    }

    private static DeploymentStatus.PodState podState(Pod pod, ResourceNames names) {
        boolean ready = PodDiagnosis.ready(pod);
        String name = pod.getMetadata().getName();
        String role = pod.getMetadata().getLabels().getOrDefault("app.kubernetes.io/component", "?");
        // Sentinel pods have their own headless Service (their subdomain), Redis pods the Redis one
        String subdomain = "sentinel".equals(role) ? names.sentinelHeadlessService() : names.headlessService();
        return new DeploymentStatus.PodState(name, role, ready, name + "." + subdomain + "."
                + names.namespace() + ".svc." + names.clusterDomain(), ready ? null : PodDiagnosis.reason(pod, List.of()));
    }

    /**
     * @return the Secret key the pods read their password from, or {@code null} without auth (or master): the
     *         mounted Secret volume's item, or {@code REDIS_PASSWORD}'s secretKeyRef on a StatefulSet rendered
     *         before the password became a file
     */
    static SecretKeySelector passwordRef(StatefulSet master) {
        if (master == null) {
            return null;
        }
        List<Volume> volumes = master.getSpec().getTemplate().getSpec().getVolumes();
        for (Volume volume : volumes == null ? List.<Volume>of() : volumes) {
            SecretVolumeSource secret = volume.getSecret();
            if (RedisManifests.PASSWORD_VOLUME.equals(volume.getName()) && secret != null
                    && secret.getItems() != null && secret.getItems().size() == 1) {
                return new SecretKeySelector(secret.getItems().get(0).getKey(), secret.getSecretName(), false);
            }
        }
        EnvVar password = env(master, "REDIS_PASSWORD");
        return password == null ? null : password.getValueFrom().getSecretKeyRef();
    }

    private static EnvVar env(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst().orElse(null);
    }

    /** The cluster domain the pods were rendered with, read back from the master host they follow. */
    private static String clusterDomain(StatefulSet master) {
        EnvVar host = master == null ? null : env(master, "REDIS_MASTER_HOST");
        if (host != null && host.getValue() != null && host.getValue().contains(".svc.")) {
            return host.getValue().substring(host.getValue().indexOf(".svc.") + ".svc.".length());
        }
        return RedisReplicationSpec.DEFAULT_CLUSTER_DOMAIN;
    }

    private static Integer nodePort(Instance instance, ResourceNames names, Role role) {
        Service service = instance.client().services().inNamespace(instance.namespace()).withName(names.of(role)).get();
        if (service == null || !"NodePort".equals(service.getSpec().getType()) || service.getSpec().getPorts() == null
                || service.getSpec().getPorts().isEmpty()) {
            return null;
        }
        return service.getSpec().getPorts().get(0).getNodePort();
    }
}
