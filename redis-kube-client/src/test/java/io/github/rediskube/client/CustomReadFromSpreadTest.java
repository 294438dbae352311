package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.models.role.RedisNodeDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a {@code ReadFrom} of the caller's own that selects several replicas spreads reads over them as
 * {@code ANY_REPLICA} does, whether or not it declares its order meaningful. A master and two replicas of
 * real redis-server; where each GET ran is read from each server's own {@code INFO commandstats}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CustomReadFromSpreadTest {

    private static final int READS = 2000;

    @TempDir
    Path tempDir;

    @RegisterExtension
    final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(200));

    /** The replicas, then the master as a fallback: the order is a preference, so it says it is one. */
    private static final ReadFrom REPLICAS_THEN_MASTER = new ReadFrom() {
        @Override
        public List<RedisNodeDescription> select(Nodes nodes) {
            List<RedisNodeDescription> selected = new ArrayList<>();
            nodes.forEach(n -> {
                if (n.getRole() == RedisInstance.Role.REPLICA) {
                    selected.add(n);
                }
            });
            nodes.forEach(n -> {
                if (n.getRole() == RedisInstance.Role.UPSTREAM) {
                    selected.add(n);
                }
            });
            return selected;
        }

        @Override
        protected boolean isOrderSensitive() {
            return true;
        }

        @Override
        public String toString() {
            return "replicas, then the master";
        }
    };

    /** Every replica, in no particular order ({@code isOrderSensitive()} left at Lettuce's default, false). */
    private static final ReadFrom EVERY_REPLICA = new ReadFrom() {
        @Override
        public List<RedisNodeDescription> select(Nodes nodes) {
            return nodes.getNodes().stream().filter(n -> n.getRole() == RedisInstance.Role.REPLICA).toList();
        }
    };

    @Test
    void spreadsReadsOverBothReplicasAnOrderSensitiveReadFromOfYourOwnListsBeforeTheMaster() {
        assertSpreadsOverBothReplicas(REPLICAS_THEN_MASTER);
    }

    @Test
    void spreadsReadsOverBothReplicasAReadFromOfYourOwnSelects() {
        assertSpreadsOverBothReplicas(EVERY_REPLICA);
    }

    @Test
    void spreadsReadsOverBothReplicasAfterSetReadFromToAReadFromOfYourOwn() {
        try (RedisTopology redis = ServerChecks.started(client(), ServerChecks.TWO_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(
                     client(), StringCodec.UTF8, SplitConnectionTest.endpoints(redis), ReadFrom.UPSTREAM)) {
            connection.setReadFrom(REPLICAS_THEN_MASTER);
            assertThat(readsPerReplica(redis, connection)).allSatisfy(n -> assertThat(n).isBetween(800L, 1200L));
        }
    }

    private void assertSpreadsOverBothReplicas(ReadFrom readFrom) {
        try (RedisTopology redis = ServerChecks.started(client(), ServerChecks.TWO_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(
                     client(), StringCodec.UTF8, SplitConnectionTest.endpoints(redis), readFrom)) {
            List<Long> perReplica = readsPerReplica(redis, connection);

            assertThat(perReplica.stream().mapToLong(Long::longValue).sum()).as("GETs on the replicas %s", perReplica)
                    .isEqualTo(READS);
            assertThat(redis.master().commandCalls(client(), "get")).as("GETs on the master").isZero();
            // 2000 fair coin flips: each side is 1000 ± 22 (one standard deviation); ± 200 is ± 9 of them
            assertThat(perReplica).as("GETs per replica").allSatisfy(n -> assertThat(n).isBetween(800L, 1200L));
        }
    }

    /** @return how many of {@link #READS} GETs each replica counted, once both replicas are connected */
    private List<Long> readsPerReplica(RedisTopology redis, StatefulRedisMasterReplicaConnection<String, String> connection) {
        ServerChecks.awaitTrue(() -> ServerChecks.writer(connection).topology().replicas().size() == 2,
                "both replicas connected");
        ServerChecks.resetStats(client(), ServerChecks.nodes(redis));
        for (int i = 0; i < READS; i++) {
            connection.sync().get("k" + (i % 100));
        }
        return redis.replicas().stream().map(r -> r.commandCalls(client(), "get")).toList();
    }

    private RedisClient client() {
        return clients.client();
    }
}
