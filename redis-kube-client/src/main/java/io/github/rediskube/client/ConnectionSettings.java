package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.github.rediskube.core.spec.Auth;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How every connection of a split connection is made, whatever the topology comes from: the settings
 * {@link RedisEndpoints} and {@link RedisSentinels} share (the first says where the master and replicas are,
 * the second where the Sentinels are; both carry one of these). Immutable; the password is never printed.
 *
 * <pre>{@code
 * ConnectionSettings settings = ConnectionSettings.builder()
 *         .password(deployment.password())
 *         .timeout(Duration.ofSeconds(5))
 *         .addressMapper(a -> forwards.get(a))      // e.g. pod DNS name -> 127.0.0.1:forwarded port
 *         .build();
 * RedisEndpoints endpoints = RedisEndpoints.of(deployment).toBuilder().settings(settings).build();
 * RedisSentinels sentinels = RedisSentinels.of(deployment).toBuilder().settings(settings).build();
 * }</pre>
 *
 * <p>The builders of {@link RedisEndpoints} and {@link RedisSentinels} take each setting too ({@link AbstractBuilder}):
 * {@code RedisEndpoints.builder().master(host, port).password(secret).build()}.
 *
 * @param password        the password ({@code requirepass}, and the Sentinels' for {@link RedisSentinels}), or
 *                        {@code null} without auth or with {@code credentials}
 * @param credentials     a password that can change ({@link RotatingPassword}, asked at every connect), or
 *                        {@code null}; not both it and {@code password}
 * @param topologyRefresh how often the topology is re-checked; {@link Duration#ZERO} never
 * @param timeout         command timeout of the connections (Lettuce's {@link RedisURI} timeout)
 * @param addressMapper   maps every address (given, or announced by a server or Sentinel) before connecting to it
 * @param tls             TLS on every connection (servers and Sentinels), or {@code null} for plain TCP
 */
public record ConnectionSettings(
        @Nullable String password,
        @Nullable RotatingPassword credentials,
        Duration topologyRefresh,
        Duration timeout,
        UnaryOperator<Address> addressMapper,
        @Nullable TlsSettings tls) {

    /** Topology re-check period when none is set. */
    public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(10);

    /** No password, a re-check every 10 s, Lettuce's 60 s command timeout, addresses used as given. */
    public static final ConnectionSettings DEFAULTS = builder().build();

    /**
     * Checks the fields, reporting every broken rule at once.
     *
     * @param password        the password, or {@code null}
     * @param credentials     a password that can change, or {@code null}; not both it and {@code password}
     * @param topologyRefresh how often the topology is re-checked, not negative; {@link Duration#ZERO} never
     * @param timeout         command timeout, positive
     * @param addressMapper   maps every address before connecting to it
     * @param tls             TLS on every connection, or {@code null} for plain TCP
     * @throws NullPointerException     when a duration or the mapper is null
     * @throws IllegalArgumentException naming each field that breaks its rule, its value and the fix
     */
    public ConnectionSettings {
        Objects.requireNonNull(topologyRefresh,
                "topologyRefresh must not be null, was null: use Duration.ZERO to turn the re-check off");
        Objects.requireNonNull(timeout, "timeout must not be null, was null: give a command timeout, e.g. "
                + "Duration.ofSeconds(5)");
        Objects.requireNonNull(addressMapper,
                "addressMapper must not be null, was null: use UnaryOperator.identity() to connect as given");
        List<String> problems = new ArrayList<>();
        if (topologyRefresh.isNegative()) {
            problems.add("topologyRefresh must not be negative, was " + topologyRefresh
                    + ": use Duration.ZERO to turn the re-check off");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            problems.add("timeout must be positive, was " + timeout + ": give a command timeout, e.g. "
                    + "Duration.ofSeconds(5)");
        }
        if (password != null && credentials != null) {
            problems.add("password and credentials are both set, was a password and " + credentials
                    + ": set one, credentials(RotatingPassword.of(password)) for a password that rotates");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * Plain-TCP settings, as before TLS was one of them.
     *
     * @param password        the password, or {@code null}
     * @param credentials     a password that can change, or {@code null}; not both it and {@code password}
     * @param topologyRefresh how often the topology is re-checked, not negative; {@link Duration#ZERO} never
     * @param timeout         command timeout, positive
     * @param addressMapper   maps every address before connecting to it
     * @throws NullPointerException     when a duration or the mapper is null
     * @throws IllegalArgumentException naming each field that breaks its rule, its value and the fix
     */
    public ConnectionSettings(@Nullable String password, @Nullable RotatingPassword credentials,
                              Duration topologyRefresh, Duration timeout, UnaryOperator<Address> addressMapper) {
        this(password, credentials, topologyRefresh, timeout, addressMapper, null);
    }

    /** @return a builder holding {@link #DEFAULTS} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        return new Builder().settings(this);
    }

    /**
     * The caller's client options with what TLS needs of the client itself: Lettuce takes the certificates a
     * client trusts from its {@link ClientOptions} ({@link SslOptions}), not from a URI, and redis-kube uses the
     * caller's {@link io.lettuce.core.RedisClient} as given. So with a CA (or a client certificate) in
     * {@link #tls()}, set these on the client before connecting:
     * {@code client.setOptions(settings.clientOptions(client.getOptions()))}.
     *
     * @param base the client's current options
     * @return {@code base} with {@link TlsSettings#sslOptions()} (trusting its CA, presenting its client
     *         certificate), or {@code base} itself without TLS or with neither (the JDK's trust store)
     */
    public ClientOptions clientOptions(ClientOptions base) {
        Objects.requireNonNull(base, "base must not be null, was null: pass client.getOptions()");
        return tls == null || (tls.caCertificate() == null && tls.clientCertificate() == null) ? base
                : base.mutate().sslOptions(tls.sslOptions()).build();
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "password=" + (credentials != null ? "<rotating>" : password != null ? "<hidden>" : "none")
                + ", topologyRefresh=" + topologyRefresh + ", timeout=" + timeout
                + (tls == null ? "" : ", tls=" + tls);
    }

    /** @return the URI of an address after mapping, with this password (or credentials) and timeout */
    RedisURI uri(Address address) {
        RedisURI.Builder builder = unauthenticated(address);
        if (credentials != null) {
            builder.withAuthentication(credentials.provider());
        } else if (password != null) {
            builder.withPassword(password.toCharArray());
        }
        return builder.build();
    }

    /** @return the URI of an address after mapping, with this timeout and the given password */
    RedisURI uri(Address address, String withPassword) {
        return unauthenticated(address).withPassword(withPassword.toCharArray()).build();
    }

    private RedisURI.Builder unauthenticated(Address address) {
        Address mapped = Objects.requireNonNull(addressMapper.apply(address),
                () -> "addressMapper returned null for " + address);
        RedisURI.Builder builder = RedisURI.builder().withHost(mapped.host()).withPort(mapped.port())
                .withTimeout(timeout);
        if (tls != null) {
            builder.withSsl(true).withVerifyPeer(tls.verifyMode());
        }
        return builder;
    }

    /** Builds {@link ConnectionSettings}. */
    public static final class Builder extends AbstractBuilder<Builder> {

        private Builder() {
        }

        /** @return the settings */
        public ConnectionSettings build() {
            return settings();
        }
    }

    /**
     * The setters of {@link ConnectionSettings}, shared by its own builder and those of {@link RedisEndpoints}
     * and {@link RedisSentinels}, so that each setting is defined once.
     *
     * @param <B> the builder's own type, returned by each setter
     */
    public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {

        private @Nullable String password;
        private @Nullable RotatingPassword credentials;
        private Duration topologyRefresh = DEFAULT_TOPOLOGY_REFRESH;
        private Duration timeout = RedisURI.DEFAULT_TIMEOUT_DURATION;
        private UnaryOperator<Address> addressMapper = UnaryOperator.identity();
        private @Nullable TlsSettings tls;

        AbstractBuilder() {
        }

        /**
         * @param all every setting at once, replacing those set so far
         * @return this builder
         */
        public B settings(ConnectionSettings all) {
            Objects.requireNonNull(all, "settings must not be null, was null: use ConnectionSettings.DEFAULTS");
            this.password = all.password();
            this.credentials = all.credentials();
            this.topologyRefresh = all.topologyRefresh();
            this.timeout = all.timeout();
            this.addressMapper = all.addressMapper();
            this.tls = all.tls();
            return self();
        }

        /**
         * @param value the password (of the servers, and of the Sentinels for {@link RedisSentinels}), {@code null}
         *              for none; as read from a Secret, one trailing newline is stripped, the rule the pods
         *              apply ({@link Auth#secretPassword(String)}); replaces {@link #credentials}
         * @return this builder
         * @throws IllegalArgumentException when it holds another control character (the message never shows it)
         */
        public B password(@Nullable String value) {
            this.password = Auth.secretPassword(value);
            this.credentials = null;
            return self();
        }

        /**
         * @param value the password as one that can be rotated under the connections (replaces
         *              {@link #password}); {@code null} for none
         * @return this builder
         */
        public B credentials(@Nullable RotatingPassword value) {
            this.credentials = value;
            if (value != null) {
                this.password = null;
            }
            return self();
        }

        /**
         * @param period how often the topology is re-checked (default 10 s, {@link Duration#ZERO} never)
         * @return this builder
         */
        public B topologyRefresh(Duration period) {
            this.topologyRefresh = period;
            return self();
        }

        /**
         * @param value the command timeout (default Lettuce's 60 s)
         * @return this builder
         */
        public B timeout(Duration value) {
            this.timeout = value;
            return self();
        }

        /**
         * @param mapper maps every address, given or announced by a server or Sentinel, to the one to connect
         *               to (e.g. pod DNS names to local port-forwards); default identity
         * @return this builder
         */
        public B addressMapper(UnaryOperator<Address> mapper) {
            this.addressMapper = mapper;
            return self();
        }

        /**
         * @param value TLS on every connection ({@link TlsSettings#trusting(String)}), {@code null} for plain TCP (the
         *              default); the client must trust the CA too: {@link ConnectionSettings#clientOptions}
         * @return this builder
         */
        public B tls(@Nullable TlsSettings value) {
            this.tls = value;
            return self();
        }

        /** @return the settings set so far, checked */
        ConnectionSettings settings() {
            return new ConnectionSettings(password, credentials, topologyRefresh, timeout, addressMapper, tls);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
