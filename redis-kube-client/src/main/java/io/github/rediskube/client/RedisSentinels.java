package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.SentinelSpec;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the Sentinels of a master/replica set are: the source of a split connection that follows
 * failover. The connection asks them for the master, subscribes to their {@code +switch-master}
 * announcements and moves writes to a new master as soon as one is announced.
 *
 * <pre>{@code
 * // in the cluster: every Sentinel pod by its stable DNS name, the password from the deployment's Secret
 * RedisSentinels sentinels = RedisSentinels.of(deployment);
 *
 * // without redis-kube-core
 * RedisSentinels fixed = RedisSentinels.builder("orders")
 *         .sentinel("10.0.0.5", 26379).sentinel("10.0.0.6", 26379).sentinel("10.0.0.7", 26379)
 *         .password(secret)
 *         .build();
 *
 * var connection = RedisKubeConnections.connect(redisClient, sentinels);
 * }</pre>
 *
 * @param masterName the name the Sentinels monitor the master under (the spec's name)
 * @param sentinels  the Sentinels' addresses; every one is subscribed to
 * @param settings   how the connections are made, to the Sentinels and to the servers they name: the password
 *                   (of both), timeouts (the topology refresh re-checks master and replicas besides the
 *                   announcements), address mapping
 */
public record RedisSentinels(String masterName, List<Address> sentinels, ConnectionSettings settings) {

    /**
     * Checks and copies the fields.
     *
     * @param masterName the name the Sentinels monitor the master under (the spec's name)
     * @param sentinels  the Sentinels' addresses; every one is subscribed to
     * @param settings   how the connections are made
     */
    public RedisSentinels {
        if (masterName == null || masterName.isBlank()) {
            throw new IllegalArgumentException("masterName must not be blank, was " + masterName
                    + ": use the name the Sentinels monitor, the spec's name");
        }
        sentinels = List.copyOf(Objects.requireNonNull(sentinels, "sentinels"));
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("sentinels must not be empty: add sentinel(host, port)");
        }
        Objects.requireNonNull(settings, "settings must not be null, was null: use ConnectionSettings.DEFAULTS");
    }

    /**
     * The Sentinels of a deployment seen from inside the cluster: every Sentinel pod by its stable DNS
     * name, and no password: a spec cannot know the one its deployment runs with (see
     * {@link RedisEndpoints#of(RedisReplicationSpec)}); add {@code toBuilder().password(deployment.password())},
     * or use {@link #of(RedisDeployment)}. With TLS on the URIs ask for TLS, without the CA a spec does not hold:
     * add it with {@code toBuilder().tls(TlsSettings.trusting(deployment.tlsCaCertificate()))}.
     *
     * @param spec a built spec with {@code sentinel(..)}
     * @return its Sentinels, without a password
     * @throws IllegalArgumentException when the spec has no Sentinel
     */
    public static RedisSentinels of(RedisReplicationSpec spec) {
        if (!spec.sentinelEnabled()) {
            throw new IllegalArgumentException("spec " + spec.name() + " has no Sentinel: build it with "
                    + "sentinel(s -> s.sentinels(3)), or connect with RedisEndpoints.of(spec)");
        }
        Builder builder = builder(spec.name()).tls(TlsSettings.of(spec, io.lettuce.core.SslVerifyMode.FULL));
        for (int i = 0; i < spec.sentinel().sentinels(); i++) {
            builder.sentinel(spec.names().sentinelPodHost(i), SentinelSpec.SENTINEL_PORT);
        }
        return builder.build();
    }

    /**
     * The Sentinels of a live deployment seen from inside the cluster, with the password read from its
     * Secret: from the handle's spec when it has one, else from the Sentinel pods that run.
     *
     * @param deployment a deployment handle of a spec with {@code sentinel(..)}
     * @return its Sentinels
     * @throws IllegalArgumentException when the deployment has no Sentinel
     */
    public static RedisSentinels of(RedisDeployment deployment) {
        RedisReplicationSpec spec = deployment.spec();
        if (spec != null) {
            return of(spec).toBuilder().password(deployment.password()).tls(TlsSettings.of(deployment))
                    .build();
        }
        Builder builder = builder(deployment.name()).password(deployment.password())
                .tls(TlsSettings.of(deployment));
        deployment.status().pods().stream().filter(p -> "sentinel".equals(p.role()))
                .forEach(p -> builder.sentinel(p.host(), SentinelSpec.SENTINEL_PORT));
        if (builder.sentinels.isEmpty()) {
            throw new IllegalArgumentException(deployment + " runs no Sentinel pods: deploy a spec with "
                    + "sentinel(..), or connect with RedisEndpoints.of(deployment)");
        }
        return builder.build();
    }

    /**
     * @param masterName the name the Sentinels monitor
     * @return an empty builder
     */
    public static Builder builder(String masterName) {
        return new Builder(masterName);
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        Builder builder = new Builder(masterName).settings(settings);
        builder.sentinels.addAll(sentinels);
        return builder;
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "RedisSentinels[masterName=" + masterName + ", sentinels=" + sentinels + ", " + settings + "]";
    }

    /** @return the URI of a Sentinel (plain, for Sentinel and pub/sub commands) after mapping */
    RedisURI uri(Address sentinel) {
        return settings.uri(sentinel);
    }

    /** @return endpoints of the set with this master, following the replicas the master reports */
    RedisEndpoints endpoints(Address master) {
        return new RedisEndpoints(master, List.of(), true, settings);
    }

    /** Builds {@link RedisSentinels}; the connection settings as in {@link ConnectionSettings.AbstractBuilder}. */
    public static final class Builder extends ConnectionSettings.AbstractBuilder<Builder> {
        private final String masterName;
        private final List<Address> sentinels = new ArrayList<>();

        private Builder(String masterName) {
            this.masterName = masterName;
        }

        /**
         * @param host a Sentinel's DNS name or IP address
         * @param port its port (26379 in redis-kube deployments)
         * @return this builder, with the Sentinel added
         */
        public Builder sentinel(String host, int port) {
            sentinels.add(new Address(host, port));
            return this;
        }

        /** @return the settings */
        public RedisSentinels build() {
            return new RedisSentinels(masterName, sentinels, settings());
        }
    }
}
