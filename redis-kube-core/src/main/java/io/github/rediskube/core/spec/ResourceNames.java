package io.github.rediskube.core.spec;

/**
 * The names of everything a deployment renders, and the stable DNS names of its pods.
 *
 * @param instance      the deployment's name, e.g. {@code orders}
 * @param namespace     its namespace
 * @param clusterDomain the cluster's DNS domain, e.g. {@code cluster.local}
 */
public record ResourceNames(String instance, String namespace, String clusterDomain) {

    /** Port of every Redis server and Service. */
    public static final int REDIS_PORT = 6379;

    /**
     * @param role a role
     * @return the name of that role's StatefulSet and Service: {@code <name>-master}, {@code <name>-replica}
     */
    public String of(Role role) {
        return instance + "-" + role.label();
    }

    /** @return the headless Service that gives every pod a stable DNS name */
    public String headlessService() {
        return instance + "-headless";
    }

    /** @return the ConfigMap holding redis.conf per role and the start and probe scripts */
    public String configMap() {
        return instance + "-config";
    }

    /** @return the Secret a generated password is rendered into */
    public String generatedSecret() {
        return instance + "-auth";
    }

    /** @return the Secret of the metrics exporter's own password: {@code <name>-metrics} */
    public String metricsSecret() {
        return instance + "-metrics";
    }

    /** @return the NetworkPolicy */
    public String networkPolicy() {
        return instance;
    }

    /** @return the Sentinel StatefulSet, Service and PodDisruptionBudget: {@code <name>-sentinel} */
    public String sentinel() {
        return instance + "-sentinel";
    }

    /**
     * @return the headless Service of the Sentinel pods (port {@code sentinel}, 26379), which gives each
     *         Sentinel pod its stable DNS name: {@code <name>-sentinel-headless}
     */
    public String sentinelHeadlessService() {
        return sentinel() + "-headless";
    }

    /**
     * @param ordinal the Sentinel pod's ordinal
     * @return its stable DNS name,
     *         e.g. {@code orders-sentinel-0.orders-sentinel-headless.tenant-a.svc.cluster.local}
     */
    public String sentinelPodHost(int ordinal) {
        return sentinel() + "-" + ordinal + "." + sentinelHeadlessService() + "." + namespace + ".svc."
                + clusterDomain;
    }

    /**
     * @return the PodDisruptionBudget over every Redis pod (master and replicas) in Sentinel mode, where any
     *         of them may be the master: {@code <name>-redis}
     */
    public String redisDisruptionBudget() {
        return instance + "-redis";
    }

    /** @return the DNS name of the Sentinel Service, e.g. {@code orders-sentinel.tenant-a.svc.cluster.local} */
    public String sentinelServiceHost() {
        return sentinel() + "." + namespace + ".svc." + clusterDomain;
    }

    /** @return the ServiceAccount, Role and RoleBinding of the sidecar that keeps each pod's role label current */
    public String roleLabeler() {
        return instance + "-role-labeler";
    }

    /**
     * @param role    the pod's role
     * @param ordinal the pod's ordinal in its StatefulSet
     * @return the pod's name, e.g. {@code orders-replica-1}
     */
    public String pod(Role role, int ordinal) {
        return of(role) + "-" + ordinal;
    }

    /**
     * @param role    the pod's role
     * @param ordinal the pod's ordinal in its StatefulSet
     * @return the pod's stable in-cluster DNS name,
     *         e.g. {@code orders-master-0.orders-headless.tenant-a.svc.cluster.local}
     */
    public String podHost(Role role, int ordinal) {
        return pod(role, ordinal) + "." + headlessService() + "." + namespace + ".svc." + clusterDomain;
    }

    /** @return the DNS name replicas follow: the master pod's stable name */
    public String masterHost() {
        return podHost(Role.MASTER, 0);
    }

    /**
     * @param role a role
     * @return the DNS name of the role's Service, e.g. {@code orders-master.tenant-a.svc.cluster.local}
     */
    public String serviceHost(Role role) {
        return of(role) + "." + namespace + ".svc." + clusterDomain;
    }
}
