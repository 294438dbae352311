package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.models.role.RedisNodeDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: {@link ZoneReadFrom} on a master and three replicas of real redis-server, zones given by a map
 * (replicas 0 and 1 in zone-a, replica 2 in zone-b, the master in zone-a); where each GET ran is read from each
 * server's own {@code INFO commandstats}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZoneReadFromTest {

    private static final int READS = 2000;

    /** A master and three replicas that sync at once. */
    private static final RedisReplicationSpec THREE_REPLICAS = RedisKube.replication("orders").replicas(3)
            .config("repl-diskless-sync-delay", "0")
            .build();

    @TempDir
    Path tempDir;

    @RegisterExtension
    final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(200));

    /** @return the zones by port: replicas 0 and 1 in zone-a, replica 2 in zone-b, the master in zone-a */
    private static Map<Integer, String> zones(RedisTopology redis) {
        Map<Integer, String> zones = new HashMap<>();
        zones.put(redis.master().port(), "zone-a");
        zones.put(redis.replicas().get(0).port(), "zone-a");
        zones.put(redis.replicas().get(1).port(), "zone-a");
        zones.put(redis.replicas().get(2).port(), "zone-b");
        return zones;
    }

    private StatefulRedisMasterReplicaConnection<String, String> connect(RedisTopology redis, String clientZone) {
        return connect(redis, clientZone, SplitConnectionTest.endpoints(redis));
    }

    private StatefulRedisMasterReplicaConnection<String, String> connect(RedisTopology redis, String clientZone,
                                                                        RedisEndpoints endpoints) {
        Map<Integer, String> zones = zones(redis);
        return RedisKubeConnections.connect(client(), StringCodec.UTF8, endpoints,
                ZoneReadFrom.preferring(clientZone, a -> zones.get(a.port())));
    }

    @Test
    void readsSpreadOverTheReplicasInTheClientsZoneAndNoOther() {
        try (RedisTopology redis = ServerChecks.started(client(), THREE_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, "zone-a")) {
            List<Long> perNode = reads(redis, connection, 3);

            assertThat(perNode.subList(0, 2)).as("GETs on zone-a's replicas 0 and 1 of %s", perNode)
                    .allSatisfy(n -> assertThat(n).isBetween(800L, 1200L));   // 2000 fair coin flips, ± 9 sigma
            assertThat(perNode.get(0) + perNode.get(1)).isEqualTo(READS);
            assertThat(perNode.get(2)).as("GETs on zone-b's replica").isZero();
            assertThat(perNode.get(3)).as("GETs on the master, in zone-a too").isZero();
        }
    }

    @Test
    void aZoneWithOneReplicaSendsItEveryRead() {
        try (RedisTopology redis = ServerChecks.started(client(), THREE_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, "zone-b")) {
            assertThat(reads(redis, connection, 3)).containsExactly(0L, 0L, (long) READS, 0L);
        }
    }

    /**
     * The topology re-check is off: the killed replicas stay in the topology, so only the connection's own view of
     * its links can send the reads elsewhere.
     */
    @Test
    void readsFallBackToTheOtherZonesReplicasWhileTheLocalOnesAreDownThenToTheMaster() {
        try (RedisTopology redis = ServerChecks.started(client(), THREE_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, "zone-a",
                     SplitConnectionTest.endpoints(redis).toBuilder().topologyRefresh(Duration.ZERO).build())) {
            awaitConnectedReplicas(connection, 3);
            redis.replicas().get(0).kill();
            redis.replicas().get(1).kill();
            awaitConnectedReplicas(connection, 1);
            assertThat(ServerChecks.writer(connection).topology().replicas()).as("not re-checked: all still there")
                    .hasSize(3);

            List<RedisNode> alive = List.of(redis.replicas().get(2), redis.master());
            ServerChecks.resetStats(client(), alive);
            read(connection);
            assertThat(alive.get(0).commandCalls(client(), "get")).as("zone-b's replica")
                    .isEqualTo(READS);
            assertThat(alive.get(1).commandCalls(client(), "get")).as("the master").isZero();

            redis.replicas().get(2).kill();
            awaitConnectedReplicas(connection, 0);
            ServerChecks.resetStats(client(), List.of(redis.master()));
            read(connection);
            assertThat(redis.master().commandCalls(client(), "get")).as("no replica left: the master")
                    .isEqualTo(READS);
        }
    }

    @Test
    void withLettucesOwnNodesTheZoneIsLookedUpByTheUriAndTheMapByHost() {
        RedisNodeDescription master = description("10.0.0.1", RedisInstance.Role.UPSTREAM);
        RedisNodeDescription a = description("orders-replica-0.orders-headless", RedisInstance.Role.REPLICA);
        RedisNodeDescription b = description("orders-replica-1.orders-headless", RedisInstance.Role.REPLICA);
        ReadFrom.Nodes nodes = nodes(master, a, b);
        ZoneReadFrom reads = ZoneReadFrom.preferring("zone-b", Map.of("orders-replica-0.orders-headless", "zone-a",
                "orders-replica-1.orders-headless", "zone-b"));

        assertThat(reads.select(nodes)).containsExactly(b);
        assertThat(reads.withZones(Map.of("orders-replica-0.orders-headless", "zone-b")).select(nodes))
                .as("zones read again: replica 1's zone unknown now").containsExactly(a);
        assertThat(reads.withZones(Map.of()).select(nodes)).as("no local replica: every other one")
                .containsExactly(a, b);
        assertThat(reads.select(nodes(master))).containsExactly(master);
        assertThat(reads.clientZone()).isEqualTo("zone-b");
    }

    @Test
    void aBlankClientZoneIsRefusedSayingWhereAZoneComesFrom() {
        assertThatThrownBy(() -> ZoneReadFrom.preferring(" ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientZone must be a zone name, was \" \"")
                .hasMessageContaining("not in the downward API");
        assertThatThrownBy(() -> ZoneReadFrom.preferring("zone-a", (Map<String, String>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zoneByHost must not be null");
    }

    private static ReadFrom.Nodes nodes(RedisNodeDescription... all) {
        return new ReadFrom.Nodes() {
            @Override
            public List<RedisNodeDescription> getNodes() {
                return List.of(all);
            }

            @Override
            public java.util.Iterator<RedisNodeDescription> iterator() {
                return getNodes().iterator();
            }
        };
    }

    private static RedisNodeDescription description(String host, RedisInstance.Role role) {
        RedisURI uri = RedisURI.create(host, 6379);
        return new RedisNodeDescription() {
            @Override
            public RedisURI getUri() {
                return uri;
            }

            @Override
            public RedisInstance.Role getRole() {
                return role;
            }
        };
    }

    /** Waits until the split connection has {@code count} replicas it is connected to. */
    private static void awaitConnectedReplicas(StatefulRedisMasterReplicaConnection<String, String> connection,
                                               int count) {
        ServerChecks.awaitTrue(() -> ServerChecks.writer(connection).topology().replicas().stream()
                .filter(Node::open).count() == count, count + " connected replicas");
    }

    /** @return the GETs of {@link #READS} each replica and then the master counted, once all are connected */
    private List<Long> reads(RedisTopology redis, StatefulRedisMasterReplicaConnection<String, String> connection,
                             int replicas) {
        awaitConnectedReplicas(connection, replicas);
        List<RedisNode> nodes = ServerChecks.nodes(redis);
        ServerChecks.resetStats(client(), nodes);
        read(connection);
        List<Long> perNode = nodes.stream().map(n -> n.commandCalls(client(), "get")).toList();
        System.out.printf("GETs per replica 0, 1, 2 and the master: %s%n", perNode);
        return perNode;
    }

    private static void read(StatefulRedisMasterReplicaConnection<String, String> connection) {
        for (int i = 0; i < READS; i++) {
            connection.sync().get("k" + (i % 100));
        }
    }

    private RedisClient client() {
        return clients.client();
    }
}
