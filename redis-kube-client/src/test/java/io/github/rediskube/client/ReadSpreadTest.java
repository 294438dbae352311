package io.github.rediskube.client;

import static io.github.rediskube.client.ServerChecks.awaitTrue;
import static io.github.rediskube.client.ServerChecks.writer;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: with the default {@code ReadFrom} (no ReadFrom given), reads scale with the replicas. A
 * master and two replicas of real redis-server; where each GET ran is read from each server's own
 * {@code INFO commandstats}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadSpreadTest {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadSpreadTest.class);

    private static final RedisReplicationSpec SPEC = ServerChecks.TWO_REPLICAS;
    private static final int READS = 10_000;

    @TempDir
    Path tempDir;

    @RegisterExtension
    final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(200));

    private RedisClient client;

    @BeforeEach
    void client() {
        client = clients.client();
    }

    @Test
    void spreadsTenThousandReadsOverEveryReplicaWithinTenPercentWithTheDefaultReadFrom() {
        try (RedisTopology redis = ServerChecks.started(client, SPEC, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection =
                     RedisKubeConnections.connect(client, SplitConnectionTest.endpoints(redis))) {
            assertThat(connection.getReadFrom()).isSameAs(ReadFrom.REPLICA_PREFERRED);
            awaitTrue(() -> writer(connection).topology().replicas().size() == 2, "both replicas connected");
            ServerChecks.resetStats(client, ServerChecks.nodes(redis));

            for (int i = 0; i < READS; i++) {
                connection.sync().get("k" + (i % 100));
            }

            List<Long> perReplica = redis.replicas().stream().map(r -> r.commandCalls(client, "get")).toList();
            LongSummaryStatistics stats = perReplica.stream().mapToLong(Long::longValue).summaryStatistics();
            LOG.info("{} GETs with the default ReadFrom: per replica {}, max/min {}", READS, perReplica,
                    (double) stats.getMax() / stats.getMin());
            assertThat(stats.getSum()).as("GETs on the replicas %s", perReplica).isEqualTo(READS);
            assertThat(redis.master().commandCalls(client, "get")).as("GETs on the master").isZero();
            assertThat((double) stats.getMax() / stats.getMin()).as("max/min of the GETs per replica %s", perReplica)
                    .isLessThanOrEqualTo(1.10);
        }
    }

    @Test
    void readsFromTheMasterWithTheDefaultReadFromOnlyWhenNoReplicaIsUp() {
        try (RedisTopology redis = ServerChecks.started(client, SPEC, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection =
                     RedisKubeConnections.connect(client, SplitConnectionTest.endpoints(redis))) {
            awaitTrue(() -> writer(connection).topology().replicas().size() == 2, "both replicas connected");
            RedisNode first = redis.replicas().get(0);
            RedisNode second = redis.replicas().get(1);

            first.kill();
            awaitTrue(() -> writer(connection).topology().replicas().stream()
                    .noneMatch(r -> r.address().port() == first.port() && r.open()), "the split connection to see "
                    + first + " down");
            ServerChecks.resetStats(client, List.of(redis.master(), second));
            for (int i = 0; i < 1000; i++) {
                connection.sync().get("k" + i);
            }
            assertThat(second.commandCalls(client, "get")).as("GETs on the replica still up").isEqualTo(1000);
            assertThat(redis.master().commandCalls(client, "get")).as("GETs on the master, one replica up").isZero();

            second.kill();
            awaitTrue(() -> writer(connection).topology().replicas().stream().noneMatch(Node::open),
                    "the split connection to see both replicas down");
            ServerChecks.resetStats(client, List.of(redis.master()));
            for (int i = 0; i < 1000; i++) {
                connection.sync().get("k" + i);
            }
            assertThat(redis.master().commandCalls(client, "get")).as("GETs on the master, no replica up")
                    .isEqualTo(1000);
        }
    }
}
