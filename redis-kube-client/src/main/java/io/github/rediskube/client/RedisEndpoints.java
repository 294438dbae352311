package io.github.rediskube.client;

import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Exposure;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the master and the replicas of one Redis master/replica set are, and how to authenticate:
 * the topology a {@link RedisKubeConnections#connect split connection} starts from.
 *
 * <pre>{@code
 * // in the cluster: master Service for writes, every replica pod by its stable DNS name for reads,
 * // the password read from the deployment's Secret
 * RedisEndpoints inCluster = RedisEndpoints.of(deployment);
 *
 * // Service-level split only (master Service + replica Service), no per-pod reads
 * RedisEndpoints services = RedisEndpoints.ofServices(spec).toBuilder().password(deployment.password()).build();
 *
 * // without redis-kube-core: static addresses
 * RedisEndpoints fixed = RedisEndpoints.builder()
 *         .master("10.0.0.5", 6379)
 *         .replica("10.0.0.6", 6379)
 *         .replica("10.0.0.7", 6379)
 *         .password(secret)
 *         .build();
 *
 * // outside the cluster: map the in-cluster names the servers announce to local addresses
 * RedisEndpoints local = RedisEndpoints.of(deployment).toBuilder()
 *         .addressMapper(a -> forwards.get(a))          // e.g. pod DNS name -> 127.0.0.1:forwarded port
 *         .build();
 * }</pre>
 *
 * <p>With {@code followReplication} (the default, except for {@link #ofServices}) the connection asks the
 * master every {@code topologyRefresh} which replicas are online ({@code INFO replication}) and reads
 * from exactly those: replicas added later start serving reads, removed ones stop, without reconnecting.
 * The listed replicas are then only the starting point used while the master cannot be asked.
 *
 * @param master            the master's address (writes go there)
 * @param replicas          the replicas' addresses (reads go there, as the {@code ReadFrom} says)
 * @param followReplication whether the replica set follows what the master reports
 * @param settings          how the connections are made: password, timeouts, address mapping
 */
public record RedisEndpoints(
        Address master,
        List<Address> replicas,
        boolean followReplication,
        ConnectionSettings settings) {

    /**
     * Checks and copies the fields.
     *
     * @param master            the master's address (writes go there)
     * @param replicas          the replicas' addresses (reads go there, as the {@code ReadFrom} says)
     * @param followReplication whether the replica set follows what the master reports
     * @param settings          how the connections are made
     */
    public RedisEndpoints {
        Objects.requireNonNull(master, "master is required: set master(host, port)");
        replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
        Objects.requireNonNull(settings, "settings must not be null, was null: use ConnectionSettings.DEFAULTS");
    }

    /**
     * Endpoints of a deployment seen from inside the cluster: the master Service for writes, every replica
     * pod by its stable DNS name ({@code <name>-replica-<i>.<name>-headless.<ns>.svc.<domain>}) for reads,
     * following the master's replication, and <em>no password</em>: a spec cannot know the one its deployment
     * runs with (a generated password is made by each {@code build()}, and the live Secret keeps the first
     * one's). Add it with {@code toBuilder().password(deployment.password())}, or use
     * {@link #of(RedisDeployment)}, which reads the Secret. To write to the master pod by its own DNS name
     * instead of its Service: {@code toBuilder().master(spec.names().masterHost(), 6379)}. With TLS on
     * ({@code tls(..)}) the URIs ask for TLS, checking host names, without the CA a spec does not hold: add it
     * with {@code toBuilder().tls(TlsSettings.trusting(deployment.tlsCaCertificate()))}.
     *
     * @param spec a built spec
     * @return its endpoints, without a password
     */
    public static RedisEndpoints of(RedisReplicationSpec spec) {
        ResourceNames names = spec.names();
        Builder builder = builder()
                .master(names.serviceHost(Role.MASTER), ResourceNames.REDIS_PORT)
                .tls(TlsSettings.of(spec, SslVerifyMode.FULL));
        for (int i = 0; i < spec.replicas(); i++) {
            builder.replica(names.podHost(Role.REPLICA, i), ResourceNames.REDIS_PORT);
        }
        return builder.build();
    }

    /**
     * Endpoints of a live deployment seen from inside the cluster, like {@link #of(RedisReplicationSpec)},
     * with the password read from the deployment's Secret (so it also holds for a password kept in an
     * existing Secret, or one generated by another process).
     *
     * <pre>{@code
     * RedisEndpoints endpoints = RedisEndpoints.of(deployment);
     * }</pre>
     *
     * @param deployment a deployment handle
     * @return its endpoints
     */
    public static RedisEndpoints of(RedisDeployment deployment) {
        DeploymentStatus status = deployment.status();
        Builder builder = builder()
                .master(status.masterHost(), status.port())
                .password(deployment.password())
                .tls(TlsSettings.of(deployment));
        for (String host : status.replicaPodHosts()) {
            builder.replica(host, status.port());
        }
        return builder.build();
    }

    /**
     * The Service-level split: writes to the master Service, reads to the replica Service (kube-proxy
     * picks one replica per connection, so reads stick to that pod). The replica set is not followed. No
     * password, as with {@link #of(RedisReplicationSpec)}: add {@code toBuilder().password(deployment.password())};
     * nor the CA, with TLS on.
     *
     * @param spec a built spec
     * @return its Service endpoints, without a password
     */
    public static RedisEndpoints ofServices(RedisReplicationSpec spec) {
        ResourceNames names = spec.names();
        Builder builder = builder()
                .master(names.serviceHost(Role.MASTER), ResourceNames.REDIS_PORT)
                .followReplication(false)
                .tls(TlsSettings.of(spec, SslVerifyMode.FULL));
        if (spec.replicas() > 0) {
            builder.replica(names.serviceHost(Role.REPLICA), ResourceNames.REDIS_PORT);
        }
        return builder.build();
    }

    /**
     * The Service-level split from outside the cluster, through the NodePorts of the master and replica
     * Services on one node's address (the classic walkthrough's 32379/32380). The replica set is not
     * followed: the names the replicas announce resolve only inside the cluster. No password, as with
     * {@link #of(RedisReplicationSpec)}. With TLS on the URIs ask for TLS checking the chain only
     * ({@code SslVerifyMode.CA}: a node's address is not among the certificate's names), without the CA: add it
     * with {@code toBuilder().tls(TlsSettings.trusting(ca).withVerifyMode(SslVerifyMode.CA))}.
     *
     * <pre>{@code
     * RedisEndpoints.ofNodePorts(spec, "192.168.1.20")    // spec exposed with exposeNodePorts(32379, 32380)
     *         .toBuilder().password(deployment.password()).build();
     * }</pre>
     *
     * @param spec        a built spec with fixed NodePorts
     * @param nodeAddress the address of any node of the cluster
     * @return the NodePort endpoints, without a password
     * @throws IllegalArgumentException when the spec does not fix both NodePorts
     */
    public static RedisEndpoints ofNodePorts(RedisReplicationSpec spec, String nodeAddress) {
        Exposure exposure = spec.exposure();
        if (exposure.type() != Exposure.Type.NODE_PORT || exposure.masterNodePort() == null
                || exposure.replicaNodePort() == null) {
            throw new IllegalArgumentException("spec " + spec.name() + " has exposure " + exposure
                    + ", not fixed NodePorts: build it with exposeNodePorts(masterPort, replicaPort), or give the "
                    + "ports Kubernetes chose with RedisEndpoints.builder().master(node, port).replica(node, port)");
        }
        Builder builder = builder()
                .master(nodeAddress, exposure.masterNodePort())
                .followReplication(false)
                .tls(TlsSettings.of(spec, SslVerifyMode.CA));
        if (spec.replicas() > 0) {
            builder.replica(nodeAddress, exposure.replicaNodePort());
        }
        return builder.build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these endpoints */
    public Builder toBuilder() {
        Builder builder = new Builder().settings(settings);
        builder.master = master;
        builder.replicas.addAll(replicas);
        builder.followReplication = followReplication;
        return builder;
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "RedisEndpoints[master=" + master + ", replicas=" + replicas + ", followReplication=" + followReplication
                + ", " + settings + "]";
    }

    /** @return the URI of an address after mapping, with this password (or credentials) and timeout */
    RedisURI uri(Address address) {
        return settings.uri(address);
    }

    /** @return the URI of an address after mapping, with this timeout and the given password */
    RedisURI uri(Address address, String withPassword) {
        return settings.uri(address, withPassword);
    }

    /**
     * A host and port.
     *
     * @param host a DNS name or IP address
     * @param port a TCP port (1–65535)
     */
    public record Address(String host, int port) {

        /**
         * Checks the fields.
         *
         * @param host a DNS name or IP address
         * @param port a TCP port (1–65535)
         */
        public Address {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port + " for " + host);
            }
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** Builds {@link RedisEndpoints}; the connection settings as in {@link ConnectionSettings.AbstractBuilder}. */
    public static final class Builder extends ConnectionSettings.AbstractBuilder<Builder> {

        private Address master;
        private final List<Address> replicas = new ArrayList<>();
        private boolean followReplication = true;

        private Builder() {
        }

        /**
         * @param host the master's DNS name or IP address
         * @param port its port
         * @return this builder
         */
        public Builder master(String host, int port) {
            this.master = new Address(host, port);
            return this;
        }

        /**
         * @param host a replica's DNS name or IP address
         * @param port its port
         * @return this builder, with the replica added
         */
        public Builder replica(String host, int port) {
            replicas.add(new Address(host, port));
            return this;
        }

        /**
         * @param addresses the replicas' addresses, replacing those added so far
         * @return this builder
         */
        public Builder replicas(List<Address> addresses) {
            replicas.clear();
            replicas.addAll(addresses);
            return this;
        }

        /**
         * @param value whether reads follow the replicas the master reports online (default true)
         * @return this builder
         */
        public Builder followReplication(boolean value) {
            this.followReplication = value;
            return this;
        }

        /** @return the endpoints */
        public RedisEndpoints build() {
            return new RedisEndpoints(master, replicas, followReplication, settings());
        }
    }
}
