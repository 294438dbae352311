package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@code toBuilder()}: what was a default stays a default, what the user chose stays chosen. */
class SpecToBuilderTest {

    @Test
    void aRoundTripChangesNothing() {
        RedisReplicationSpec spec = RedisKube.replication("orders").exposeNodePorts(32379, 32380)
                .storage(s -> s.size("2Gi")).build();

        assertThat(spec.toBuilder().build()).isEqualTo(spec);
    }

    @Test
    void defaultEvictionPolicyFollowsAChangedMode() {
        RedisReplicationSpec storage = RedisKube.replication("orders").storage(s -> s.size("2Gi")).build();
        assertThat(storage.evictionPolicy()).isEqualTo("noeviction");

        RedisReplicationSpec cache = storage.toBuilder().cache().build();

        assertThat(cache.evictionPolicy()).as("a cache that refuses writes when full is not a cache")
                .isEqualTo("allkeys-lru");
    }

    @Test
    void chosenEvictionPolicySurvivesAChangedMode() {
        RedisReplicationSpec storage = RedisKube.replication("orders").storage(s -> s.size("2Gi"))
                .evictionPolicy("volatile-lru").build();

        assertThat(storage.toBuilder().cache().build().evictionPolicy()).isEqualTo("volatile-lru");
    }

    @Test
    void defaultNetworkAccessFollowsAChangedExposure() {
        RedisReplicationSpec exposed = RedisKube.replication("orders").exposeNodePorts(32379, 32380).build();
        assertThat(exposed.networkAccess()).isEqualTo(NetworkAccess.everyone());

        RedisReplicationSpec internal = exposed.toBuilder().exposure(Exposure.clusterIp()).build();

        assertThat(internal.networkAccess()).as("back inside the cluster: clients only again")
                .isEqualTo(NetworkAccess.clientsOnly());
    }

    @Test
    void chosenNetworkAccessSurvivesAChangedExposure() {
        NetworkAccess ops = NetworkAccess.clientsOnly().withNamespaces("ops");
        RedisReplicationSpec spec = RedisKube.replication("orders").networkAccess(ops).build();

        assertThat(spec.toBuilder().exposeLoadBalancer().build().networkAccess()).isEqualTo(ops);
    }

    @Test
    void aChangeToAnyPartMakesAnotherSpecAndNoChangeTheSame() {
        RedisReplicationSpec spec = RedisKube.replication("orders")
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
        List<UnaryOperator<RedisReplicationSpec.Builder>> changes = List.of(
                b -> b.namespace("tenant-a"), b -> b.clusterDomain("example.org"), b -> b.label("team", "a"),
                b -> b.image("redis:7.2.10"), b -> b.replicas(3), b -> b.maxmemory("64Mi"), b -> b.storage("2Gi"),
                b -> b.evictionPolicy("allkeys-lfu"), b -> b.exposeNodePorts(), b -> b.auth(Auth.disabled()),
                b -> b.config("hz", "20"), b -> b.spreadOverNodes(false), b -> b.podDisruptionBudget(false),
                b -> b.sentinel(s -> s.sentinels(3)), b -> b.placement(p -> p.zoneSpread(1)),
                b -> b.placement(p -> p.podAnnotation("example.com/a", "b")));
        RedisReplicationSpec placed = spec.toBuilder().placement(p -> p.zoneSpread(1)).build();
        assertThat(placed.toBuilder().placement((Placement) null).build()).as("placement turned off again")
                .isEqualTo(spec);

        assertThat(spec.toBuilder().build()).isEqualTo(spec).hasSameHashCodeAs(spec);
        assertThat(changes).allSatisfy(change -> assertThat(change.apply(spec.toBuilder()).build())
                .isNotEqualTo(spec));
    }
}
