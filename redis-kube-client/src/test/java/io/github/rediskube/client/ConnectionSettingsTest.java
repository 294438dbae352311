package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The one settings type of {@link RedisEndpoints} and {@link RedisSentinels}; no server, no API server. */
class ConnectionSettingsTest {

    private static final RedisReplicationSpec SPEC = RedisKube.replication("orders").namespace("tenant-a")
            .replicas(2).sentinel(s -> s.sentinels(3)).build();
    private static final UnaryOperator<Address> LOCAL = a -> new Address("127.0.0.1", 30000 + a.port());

    @Test
    void endpointsAndSentinelsCarryTheSameSettingsAndHandThemToTheServersTheSentinelsName() {
        ConnectionSettings settings = ConnectionSettings.builder()
                .password("the-live-password")
                .topologyRefresh(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(3))
                .addressMapper(LOCAL)
                .build();

        RedisEndpoints endpoints = RedisEndpoints.of(SPEC).toBuilder().settings(settings).build();
        RedisSentinels sentinels = RedisSentinels.of(SPEC).toBuilder().settings(settings).build();

        assertThat(endpoints.settings()).isEqualTo(settings);
        assertThat(sentinels.settings()).isEqualTo(settings);
        assertThat(sentinels.endpoints(new Address("10.0.0.5", 6379)).settings()).isEqualTo(settings);
        assertThat(endpoints.toBuilder().build()).isEqualTo(endpoints);
        assertThat(sentinels.toBuilder().build()).isEqualTo(sentinels);
        assertThat(sentinels.uri(sentinels.sentinels().get(0)).getPort()).isEqualTo(30000 + 26379);
        assertThat(sentinels.uri(sentinels.sentinels().get(0)).getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(endpoints.toString() + sentinels + settings).doesNotContain("the-live-password").contains("<hidden>");
    }

    @Test
    void eachBuilderSetsTheSettingsOneByOneAsTheSettingsBuilderDoes() {
        RotatingPassword rotating = RotatingPassword.of("the-live-password");
        ConnectionSettings expected = ConnectionSettings.builder().credentials(rotating)
                .topologyRefresh(Duration.ZERO).timeout(Duration.ofSeconds(1)).addressMapper(LOCAL).build();

        RedisEndpoints endpoints = RedisEndpoints.builder().master("h", 6379).credentials(rotating)
                .topologyRefresh(Duration.ZERO).timeout(Duration.ofSeconds(1)).addressMapper(LOCAL).build();
        RedisSentinels sentinels = RedisSentinels.builder("orders").sentinel("s", 26379).credentials(rotating)
                .topologyRefresh(Duration.ZERO).timeout(Duration.ofSeconds(1)).addressMapper(LOCAL).build();

        assertThat(endpoints.settings()).isEqualTo(expected);
        assertThat(sentinels.settings()).isEqualTo(expected);
        assertThat(endpoints.settings().credentials()).isSameAs(rotating);
        assertThat(sentinels.settings().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConnectionSettings.DEFAULTS).isEqualTo(RedisEndpoints.builder().master("h", 1).build().settings())
                .isEqualTo(RedisSentinels.builder("orders").sentinel("s", 1).build().settings());
        assertThat(ConnectionSettings.DEFAULTS.topologyRefresh()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void reportsEveryBrokenRuleAtOnceWithTheFieldTheValueAndTheFix() {
        assertThatThrownBy(() -> new ConnectionSettings("fixed", RotatingPassword.of("rotating"),
                Duration.ofSeconds(-1), Duration.ZERO, UnaryOperator.identity()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topologyRefresh must not be negative, was PT-1S: use Duration.ZERO to turn the re-check off; "
                        + "timeout must be positive, was PT0S: give a command timeout, e.g. Duration.ofSeconds(5); "
                        + "password and credentials are both set, was a password and RotatingPassword[<hidden>]: set"
                        + " one, credentials(RotatingPassword.of(password)) for a password that rotates");
        assertThatThrownBy(() -> RedisSentinels.builder("orders").sentinel("s", 1).timeout(Duration.ofMillis(-5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, was PT-0.005S: give a command timeout, e.g. Duration.ofSeconds(5)");
        assertThatThrownBy(() -> ConnectionSettings.builder().timeout(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeout must not be null, was null: give a command timeout, e.g. Duration.ofSeconds(5)");
        assertThatThrownBy(() -> RedisSentinels.builder("orders").sentinel("s", 1).addressMapper(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("addressMapper must not be null, was null: use UnaryOperator.identity() to connect as given");
        assertThatThrownBy(() -> RedisEndpoints.builder().master("h", 1).settings(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("settings must not be null, was null: use ConnectionSettings.DEFAULTS");
    }
}
