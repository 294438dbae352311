package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The addresses derived from a spec, and the endpoint rules; no server, no API server. */
class RedisEndpointsTest {

    private static final RedisReplicationSpec SPEC = RedisKube.replication("orders")
            .namespace("tenant-a")
            .replicas(3)
            .build();

    @Test
    void derivesTheMasterServiceAndEveryReplicaPodFromASpec() {
        RedisEndpoints endpoints = RedisEndpoints.of(SPEC);

        assertThat(endpoints.master())
                .isEqualTo(new RedisEndpoints.Address("orders-master.tenant-a.svc.cluster.local", 6379));
        assertThat(endpoints.replicas()).containsExactly(
                new RedisEndpoints.Address("orders-replica-0.orders-headless.tenant-a.svc.cluster.local", 6379),
                new RedisEndpoints.Address("orders-replica-1.orders-headless.tenant-a.svc.cluster.local", 6379),
                new RedisEndpoints.Address("orders-replica-2.orders-headless.tenant-a.svc.cluster.local", 6379));
        assertThat(endpoints.settings().password()).as("a spec cannot know the password its deployment runs with").isNull();
        assertThat(endpoints.followReplication()).isTrue();
        assertThat(endpoints.settings().topologyRefresh()).isEqualTo(ConnectionSettings.DEFAULT_TOPOLOGY_REFRESH);
    }

    @Test
    void derivesTheServiceLevelSplitWithoutFollowingReplication() {
        RedisEndpoints endpoints = RedisEndpoints.ofServices(SPEC);

        assertThat(endpoints.master().host()).isEqualTo("orders-master.tenant-a.svc.cluster.local");
        assertThat(endpoints.replicas())
                .containsExactly(new RedisEndpoints.Address("orders-replica.tenant-a.svc.cluster.local", 6379));
        assertThat(endpoints.followReplication()).isFalse();
    }

    @Test
    void derivesTheClassicNodePortsOnANodeAddress() {
        RedisReplicationSpec exposed = SPEC.toBuilder().exposeNodePorts(32379, 32380).build();

        RedisEndpoints endpoints = RedisEndpoints.ofNodePorts(exposed, "192.168.1.20");

        assertThat(endpoints.master()).isEqualTo(new RedisEndpoints.Address("192.168.1.20", 32379));
        assertThat(endpoints.replicas()).containsExactly(new RedisEndpoints.Address("192.168.1.20", 32380));
        assertThat(endpoints.followReplication()).isFalse();
        assertThatThrownBy(() -> RedisEndpoints.ofNodePorts(SPEC, "192.168.1.20"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exposeNodePorts(masterPort, replicaPort)");
    }

    @Test
    void leavesThePasswordToTheCallerWhenItLivesInAnExistingSecret() {
        RedisReplicationSpec fromSecret = SPEC.toBuilder().auth(Auth.fromSecret("orders-redis", "pass")).build();

        assertThat(RedisEndpoints.of(fromSecret).settings().password()).isNull();
        assertThat(RedisEndpoints.of(fromSecret).toBuilder().password("from-the-secret").build().settings().password())
                .isEqualTo("from-the-secret");
    }

    @Test
    void mapsEveryAddressBeforeBuildingItsUri() {
        RedisEndpoints endpoints = RedisEndpoints.of(SPEC).toBuilder()
                .password("the-live-password")
                .addressMapper(a -> new RedisEndpoints.Address("127.0.0.1", 30000 + a.host().length()))
                .timeout(Duration.ofSeconds(3))
                .build();

        RedisURI uri = endpoints.uri(endpoints.replicas().get(1));

        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(uri.getPort()).isEqualTo(30000 + endpoints.replicas().get(1).host().length());
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword()))
                .isEqualTo("the-live-password");
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(RedisEndpoints.of(SPEC).toBuilder().password("the-live-password").build().toString())
                .doesNotContain("the-live-password").contains("<hidden>");
    }

    @Test
    void aRotatingPasswordReplacesAFixedOneAndIsNeverPrinted() {
        RotatingPassword rotating = RotatingPassword.of("the-live-password");
        RedisEndpoints endpoints = RedisEndpoints.of(SPEC).toBuilder().password("fixed-password")
                .credentials(rotating).build();
        assertThat(endpoints.settings().password()).isNull();
        assertThat(endpoints.settings().credentials()).isSameAs(rotating);
        assertThat(endpoints.toString() + rotating).doesNotContain("the-live-password").contains("<rotating>");
        assertThat(endpoints.toBuilder().password("fixed-password").build().settings().credentials()).isNull();
        assertThat(endpoints.uri(endpoints.master()).getCredentialsProvider().resolveCredentials().block()
                .getPassword()).isEqualTo("the-live-password".toCharArray());
        rotating.set("the-next-password");
        assertThat(endpoints.uri(endpoints.master()).getCredentialsProvider().resolveCredentials().block()
                .getPassword()).as("asked again at every connect").isEqualTo("the-next-password".toCharArray());

        assertThatThrownBy(() -> new ConnectionSettings("fixed-password", rotating, Duration.ZERO, Duration.ofSeconds(1),
                a -> a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password and credentials are both set, was a password and RotatingPassword[<hidden>]: set"
                        + " one, credentials(RotatingPassword.of(password)) for a password that rotates");
        assertThatThrownBy(() -> RotatingPassword.of(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password must not be empty");
    }

    @Test
    void refusesMissingMasterBadPortsAndNegativeDurations() {
        assertThatThrownBy(() -> RedisEndpoints.builder().build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("master is required");
        assertThatThrownBy(() -> RedisEndpoints.builder().master("h", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be between 1 and 65535");
        assertThatThrownBy(() -> RedisEndpoints.builder().master(" ", 6379))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host must not be blank");
        assertThatThrownBy(() -> RedisEndpoints.builder().master("h", 1).topologyRefresh(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duration.ZERO");
        assertThatThrownBy(() -> RedisEndpoints.builder().master("h", 1).timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> RedisEndpoints.builder().master("h", 1).addressMapper(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("addressMapper");
    }

    @Test
    void readsOnlyOnlineReplicasFromInfoReplication() {
        ReplicationInfo info = ReplicationInfo.parse("""
                # Replication\r
                role:master\r
                connected_slaves:3\r
                slave0:ip=orders-replica-0.orders-headless.tenant-a.svc.cluster.local,port=6379,state=online,offset=42,lag=0\r
                slave1:ip=10.1.2.3,port=6379,state=wait_bgsave,offset=0,lag=0\r
                slave2:ip=::1,port=7000,state=online,offset=42,lag=1\r
                master_failover_state:no-failover\r
                """);

        assertThat(info.master()).isTrue();
        assertThat(info.onlineReplicas()).containsExactly(
                new RedisEndpoints.Address("orders-replica-0.orders-headless.tenant-a.svc.cluster.local", 6379),
                new RedisEndpoints.Address("::1", 7000));
        assertThat(ReplicationInfo.parse("role:slave\nmaster_host:x\n").master()).isFalse();
    }

    @Test
    void aTlsSpecsEndpointsAskForTlsWithoutACaAndNodePortsCheckTheChainOnly() {
        io.github.rediskube.core.spec.RedisReplicationSpec spec = io.github.rediskube.core.RedisKube
                .replication("orders").exposeNodePorts(32379, 32380).sentinel(x -> x.sentinels(3))
                .tls(t -> t.secret("orders-tls")).build();

        for (ConnectionSettings settings : java.util.List.of(RedisEndpoints.of(spec).settings(),
                RedisEndpoints.ofServices(spec).settings(), RedisSentinels.of(spec).settings())) {
            assertThat(settings.tls()).isEqualTo(new TlsSettings(null, io.lettuce.core.SslVerifyMode.FULL, null, null));
        }
        RedisEndpoints nodePorts = RedisEndpoints.ofNodePorts(spec, "192.168.1.20");
        assertThat(nodePorts.settings().tls().verifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.CA);
        assertThat(nodePorts.uri(nodePorts.master()).isSsl()).isTrue();
        assertThat(RedisEndpoints.of(io.github.rediskube.core.RedisKube.replication("plain").build()).settings().tls())
                .isNull();
    }
}
