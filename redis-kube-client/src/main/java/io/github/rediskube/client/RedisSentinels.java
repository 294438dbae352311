package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.SentinelSpec;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

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
 * @param masterName      the name the Sentinels monitor the master under (the spec's name)
 * @param sentinels       the Sentinels' addresses; every one is subscribed to
 * @param password        the password of the Sentinels and of the Redis servers, or {@code null}
 * @param credentials     the same as a password that can be rotated ({@link RotatingPassword}), or {@code null};
 *                        not both it and {@code password}
 * @param topologyRefresh how often the master and replicas are re-checked besides the announcements
 * @param timeout         command timeout of the connections
 * @param addressMapper   maps every address (given, or announced by a Sentinel or server) before connecting
 */
public record RedisSentinels(String masterName, List<Address> sentinels, @Nullable String password,
                             @Nullable RotatingPassword credentials,
                             Duration topologyRefresh,
                             Duration timeout, UnaryOperator<Address> addressMapper) {

    /**
     * Checks and copies the fields.
     *
     * @param masterName      the name the Sentinels monitor the master under (the spec's name)
     * @param sentinels       the Sentinels' addresses; every one is subscribed to
     * @param password        the password of the Sentinels and of the Redis servers, or {@code null}
     * @param credentials     the same as a password that can be rotated ({@link RotatingPassword}), or {@code null};
     *        not both it and {@code password}
     * @param topologyRefresh how often the master and replicas are re-checked besides the announcements
     * @param timeout         command timeout of the connections
     * @param addressMapper   maps every address (given, or announced by a Sentinel or server) before connecting
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
        Objects.requireNonNull(topologyRefresh, "topologyRefresh");
        if (topologyRefresh.isNegative()) {
            throw new IllegalArgumentException("topologyRefresh must not be negative, was " + topologyRefresh);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        Objects.requireNonNull(addressMapper, "addressMapper: use UnaryOperator.identity()");
        if (password != null && credentials != null) {
            throw new IllegalArgumentException("password and credentials are both set, was a password and "
                    + credentials + ": set one, credentials(RotatingPassword.of(password)) for a password that rotates");
        }
    }

    /**
     * The Sentinels of a deployment seen from inside the cluster: every Sentinel pod by its stable DNS
     * name, and no password: a spec cannot know the one its deployment runs with (see
     * {@link RedisEndpoints#of(RedisReplicationSpec)}); add {@code toBuilder().password(deployment.password())},
     * or use {@link #of(RedisDeployment)}.
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
        Builder builder = builder(spec.name());
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
            return of(spec).toBuilder().password(deployment.password()).build();
        }
        Builder builder = builder(deployment.name()).password(deployment.password());
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
        Builder builder = new Builder(masterName);
        builder.sentinels.addAll(sentinels);
        builder.password = password;
        builder.credentials = credentials;
        builder.topologyRefresh = topologyRefresh;
        builder.timeout = timeout;
        builder.addressMapper = addressMapper;
        return builder;
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "RedisSentinels[masterName=" + masterName + ", sentinels=" + sentinels + ", password="
                + (password == null && credentials == null ? "none" : credentials != null ? "<rotating>" : "<hidden>")
                + ", topologyRefresh=" + topologyRefresh + "]";
    }

    /** @return the URI of a Sentinel (plain, for Sentinel and pub/sub commands) after mapping */
    RedisURI uri(Address sentinel) {
        return endpoints(sentinel).uri(sentinel);
    }

    /** @return endpoints of the set with this master, following the replicas the master reports */
    RedisEndpoints endpoints(Address master) {
        return RedisEndpoints.builder()
                .master(master.host(), master.port())
                .password(password)
                .credentials(credentials)
                .followReplication(true)
                .topologyRefresh(topologyRefresh)
                .timeout(timeout)
                .addressMapper(addressMapper)
                .build();
    }

    /** Builds {@link RedisSentinels}. */
    public static final class Builder {
        private final String masterName;
        private final List<Address> sentinels = new ArrayList<>();
        private @Nullable String password;
        private @Nullable RotatingPassword credentials;
        private Duration topologyRefresh = RedisEndpoints.DEFAULT_TOPOLOGY_REFRESH;
        private Duration timeout = RedisURI.DEFAULT_TIMEOUT_DURATION;
        private UnaryOperator<Address> addressMapper = UnaryOperator.identity();

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

        /**
         * @param value the password of Sentinels and servers, {@code null} for none; as read from a Secret, one trailing newline
         *              is stripped, the rule the pods apply ({@link Auth#secretPassword(String)})
         * @return this builder
         * @throws IllegalArgumentException when it holds another control character (the message never shows it)
         */
        public Builder password(@Nullable String value) {
            this.password = Auth.secretPassword(value);
            this.credentials = null;
            return this;
        }

        /**
         * @param value the password of Sentinels and servers as one that can be rotated under the connections
         *              (replaces {@link #password}); {@code null} for none
         * @return this builder
         */
        public Builder credentials(@Nullable RotatingPassword value) {
            this.credentials = value;
            if (value != null) {
                this.password = null;
            }
            return this;
        }

        /**
         * @param period how often master and replicas are re-checked besides announcements (default 10 s)
         * @return this builder
         */
        public Builder topologyRefresh(Duration period) {
            this.topologyRefresh = period;
            return this;
        }

        /**
         * @param value the command timeout (default Lettuce's 60 s)
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /**
         * @param mapper maps every address to the one to connect to (e.g. pod names to port-forwards)
         * @return this builder
         */
        public Builder addressMapper(UnaryOperator<Address> mapper) {
            this.addressMapper = mapper;
            return this;
        }

        /** @return the settings */
        public RedisSentinels build() {
            return new RedisSentinels(masterName, sentinels, password, credentials, topologyRefresh, timeout, addressMapper);
        }
    }
}
