package io.github.rediskube.core.deploy;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What runs, and where clients reach it.
 *
 * @param namespace      the namespace
 * @param name           the instance name
 * @param pods           every Redis pod, master first
 * @param masterHost     in-cluster DNS name of the master Service (writes)
 * @param replicaHost    in-cluster DNS name of the replica Service (reads)
 * @param port           the Redis port of both Services
 * @param replicaPodHosts stable DNS names of the replica pods, in ordinal order
 * @param masterNodePort the master Service's NodePort, or {@code null} when not exposed that way
 * @param replicaNodePort the replica Service's NodePort, or {@code null}
 * @param secretName     the Secret holding the password, or {@code null} without auth
 * @param secretKey      the key of the password in that Secret, or {@code null}
 */
public record DeploymentStatus(String namespace, String name, List<PodState> pods, String masterHost,
                               String replicaHost, int port, List<String> replicaPodHosts,
                               @Nullable Integer masterNodePort, @Nullable Integer replicaNodePort,
                               @Nullable String secretName, @Nullable String secretKey) {

    /**
     * Copies the lists.
     *
     * @param namespace the namespace
     * @param name the instance name
     * @param pods every Redis pod, master first
     * @param masterHost in-cluster DNS name of the master Service (writes)
     * @param replicaHost in-cluster DNS name of the replica Service (reads)
     * @param port the Redis port of both Services
     * @param replicaPodHosts stable DNS names of the replica pods, in ordinal order
     * @param masterNodePort the master Service's NodePort, or {@code null} when not exposed that way
     * @param replicaNodePort the replica Service's NodePort, or {@code null}
     * @param secretName the Secret holding the password, or {@code null} without auth
     * @param secretKey the key of the password in that Secret, or {@code null}
     */
    public DeploymentStatus {
        pods = List.copyOf(pods);
        replicaPodHosts = List.copyOf(replicaPodHosts);
    }

    /** @return whether the master and every replica pod the deployment asks for exist and are ready */
    public boolean ready() {
        long redisPods = pods.stream().filter(p -> "master".equals(p.role()) || "replica".equals(p.role())).count();
        return redisPods >= 1 + replicaPodHosts.size() && pods.stream().allMatch(PodState::ready);
    }

    /**
     * One Redis pod.
     *
     * @param name   pod name
     * @param role   {@code master} or {@code replica}
     * @param ready  whether its readiness probe passes
     * @param host   its stable in-cluster DNS name
     * @param reason why it is not ready, or {@code null} when ready
     */
    public record PodState(String name, String role, boolean ready, String host, @Nullable String reason) {
    }
}
