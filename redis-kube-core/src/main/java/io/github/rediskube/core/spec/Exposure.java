package io.github.rediskube.core.spec;

import org.jspecify.annotations.Nullable;

/**
 * How the master and replica Services are reachable.
 *
 * <pre>{@code
 * Exposure.clusterIp();                 // in-cluster only (default)
 * Exposure.nodePorts(32379, 32380);     // the classic walkthrough's fixed NodePorts
 * Exposure.loadBalancer();
 * }</pre>
 *
 * @param type             Service type of the master and replica Services
 * @param masterNodePort   fixed NodePort of the master Service, or {@code null} to let Kubernetes pick
 * @param replicaNodePort  fixed NodePort of the replica Service, or {@code null} to let Kubernetes pick
 */
public record Exposure(Type type, @Nullable Integer masterNodePort, @Nullable Integer replicaNodePort) {

    /** Lowest NodePort of the default service-node-port-range. */
    public static final int MIN_NODE_PORT = 30000;
    /** Highest NodePort of the default service-node-port-range. */
    public static final int MAX_NODE_PORT = 32767;

    /** Kubernetes Service types this library renders. */
    public enum Type {
        /** Reachable inside the cluster only. */
        CLUSTER_IP("ClusterIP"),
        /** Reachable on every node's address at a NodePort. */
        NODE_PORT("NodePort"),
        /** Reachable through a cloud load balancer. */
        LOAD_BALANCER("LoadBalancer");

        private final String kubernetesName;

        Type(String kubernetesName) {
            this.kubernetesName = kubernetesName;
        }

        /** @return the Service type as Kubernetes spells it */
        public String kubernetesName() {
            return kubernetesName;
        }
    }

    /** @return in-cluster exposure (the default) */
    public static Exposure clusterIp() {
        return new Exposure(Type.CLUSTER_IP, null, null);
    }

    /** @return NodePort exposure with ports chosen by Kubernetes */
    public static Exposure nodePorts() {
        return new Exposure(Type.NODE_PORT, null, null);
    }

    /**
     * @param masterPort  NodePort of the master Service (30000–32767)
     * @param replicaPort NodePort of the replica Service (30000–32767), different from masterPort
     * @return NodePort exposure on fixed ports
     */
    public static Exposure nodePorts(int masterPort, int replicaPort) {
        return new Exposure(Type.NODE_PORT, masterPort, replicaPort);
    }

    /** @return LoadBalancer exposure */
    public static Exposure loadBalancer() {
        return new Exposure(Type.LOAD_BALANCER, null, null);
    }

    /** @return whether clients outside the cluster can reach the Services */
    public boolean outsideCluster() {
        return type != Type.CLUSTER_IP;
    }

    void check(Checks checks) {
        if (!checks.require(type != null, "exposure.type", null, "is required", "use Exposure.clusterIp()")) {
            return;
        }
        if (type == Type.NODE_PORT) {
            checkPort(checks, "exposure.masterNodePort", masterNodePort);
            checkPort(checks, "exposure.replicaNodePort", replicaNodePort);
            if (masterNodePort != null && masterNodePort.equals(replicaNodePort)) {
                checks.fail("exposure.replicaNodePort must differ from exposure.masterNodePort, was " + replicaNodePort
                        + " for both: give the replica Service its own port, e.g. nodePorts(32379, 32380)");
            }
        } else {
            checks.require(masterNodePort == null && replicaNodePort == null, "exposure", this,
                    "may only fix node ports with type NODE_PORT", "use Exposure.nodePorts(master, replica)");
        }
    }

    private static void checkPort(Checks checks, String field, @Nullable Integer port) {
        if (port != null) {
            checks.require(port >= MIN_NODE_PORT && port <= MAX_NODE_PORT, field, port,
                    "must be in the NodePort range " + MIN_NODE_PORT + "-" + MAX_NODE_PORT,
                    "pick a port in that range, or none to let Kubernetes choose");
        }
    }
}
