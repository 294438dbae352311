package io.github.rediskube.client;

import static io.github.rediskube.client.ServerChecks.awaitTrue;
import static io.github.rediskube.client.ServerChecks.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.models.role.RedisInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a master and two replicas of real redis-server, started from the rendered configs. Where
 * each command ran is read from the servers' own {@code INFO commandstats}, never from the client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SplitConnectionTest {

    /** Replicas sync at once instead of after the default 5 s diskless-sync delay: keeps each test short. */
    private static final RedisReplicationSpec SPEC = RedisKube.replication("orders").replicas(2)
            .config("repl-diskless-sync-delay", "0")
            .build();
    private static final Duration REFRESH = Duration.ofMillis(300);

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
    void sendsAllWritesToTheMasterAndAllReadsToReplicasWithReadFromReplica() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            resetStats(redis);
            RedisCommands<String, String> sync = connection.sync();
            for (int i = 0; i < 500; i++) {
                sync.set("k" + i, "v" + i);
            }
            for (int i = 0; i < 500; i++) {
                sync.get("k" + i);
            }

            assertThat(calls(redis.master(), "set")).isEqualTo(500);
            assertThat(calls(redis.master(), "get")).isZero();
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isEqualTo(500);
        }
    }

    @Test
    void readsOnlyFromTheGivenReplicasWhenNotFollowingReplication() {
        try (RedisTopology redis = started(SPEC)) {
            RedisNode given = redis.replicas().get(1); // stands for the replica Service of the Service-level split
            RedisEndpoints serviceSplit = RedisEndpoints.builder()
                    .master("127.0.0.1", redis.master().port())
                    .replica("127.0.0.1", given.port())
                    .password(redis.password())
                    .followReplication(false)
                    .topologyRefresh(REFRESH)
                    .build();
            try (StatefulRedisMasterReplicaConnection<String, String> connection =
                         RedisKubeConnections.connect(client, StringCodec.UTF8, serviceSplit, ReadFrom.ANY_REPLICA)) {
                resetStats(redis);
                for (int i = 0; i < 200; i++) {
                    connection.sync().get("k" + i);
                }
                assertThat(calls(given, "get")).isEqualTo(200);
                assertThat(calls(redis.replicas().get(0), "get")).isZero();
            }
        }
    }

    @Test
    void sendsTransactionsToTheMasterWholeEvenTheirReads() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            resetStats(redis);
            RedisCommands<String, String> sync = connection.sync();
            sync.multi();
            sync.set("tx", "1");
            sync.get("tx");
            Object value = exec(sync).get(1);
            assertThat(value).isEqualTo("1");

            assertThat(calls(redis.master(), "get")).isEqualTo(1);
            assertThat(calls(redis.master(), "exec")).isEqualTo(1);
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isZero();
        }
    }

    @Test
    void spreadsReadsOverBothReplicasWithinTenPercentWithAnyReplica() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA)) {
            resetStats(redis);
            int reads = 2000;
            for (int i = 0; i < reads; i++) {
                connection.sync().get("k" + i);
            }

            List<Long> perReplica = redis.replicas().stream().map(r -> calls(r, "get")).toList();
            assertThat(perReplica).hasSize(2).allSatisfy(n -> assertThat(n).isBetween(900L, 1100L));
            assertThat(perReplica.stream().mapToLong(Long::longValue).sum()).isEqualTo(reads);
            assertThat(calls(redis.master(), "get")).isZero();
        }
    }

    @Test
    void keepsReadingFromTheOtherReplicaWhenOneIsKilled() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA)) {
            connection.sync().set("k", "v");
            RedisNode killed = redis.replicas().get(0);
            RedisNode survivor = redis.replicas().get(1);
            awaitTrue(() -> "v".equals(survivor.call(client, c -> c.get("k"))), "replication of k");
            killed.kill();
            resetStats(List.of(redis.master(), survivor));

            for (int i = 0; i < 300; i++) {
                assertThat(connection.sync().get("k")).isEqualTo("v");
            }

            assertThat(calls(survivor, "get")).isEqualTo(300);
            assertThat(calls(redis.master(), "get")).isZero();
        }
    }

    @Test
    void failsWritesFastWhileTheMasterIsDownAndResumesWhenItReturns() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            connection.sync().set("before", "1");
            awaitTrue(() -> redis.replicas().stream().allMatch(r -> "1".equals(r.call(client, c -> c.get("before")))),
                    "replication of before");
            redis.master().kill();

            long start = System.nanoTime();
            // refused as "not connected" once Lettuce has seen the master go, or failed as "Connection
            // disconnected" when the write raced the disconnect (a loaded machine): either way not acknowledged
            assertThatThrownBy(() -> connection.sync().set("during", "1"))
                    .isInstanceOf(RedisException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("not connected", "Connection disconnected"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(connection.sync().get("before")).as("reads go on from the replicas").isEqualTo("1");

            redis.master().start();
            awaitTrue(() -> {
                try {
                    return "OK".equals(connection.sync().set("after", "1"));
                } catch (RedisException notYet) {
                    return false;
                }
            }, "a write after the master restarted");
            String after = redis.master().call(client, c -> c.get("after"));
            assertThat(after).isEqualTo("1");
        }
    }

    @Test
    void startsReadingFromAReplicaAddedLater() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA)) {
            RedisNode third = redis.addReplica();
            awaitOnlineReplicas(redis, 3);
            resetStats(redis);

            awaitTrue(() -> {
                for (int i = 0; i < 100; i++) {
                    connection.sync().get("k" + i);
                }
                return calls(third, "get") > 0;
            }, "reads on the third replica");
            resetStats(redis);
            for (int i = 0; i < 900; i++) {
                connection.sync().get("k" + i);
            }
            assertThat(redis.replicas()).allSatisfy(r -> assertThat(calls(r, "get")).isBetween(200L, 400L));
        }
    }

    @Test
    void resumesReadingFromAReplicaThatRestarted() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA)) {
            RedisNode restarted = redis.replicas().get(0);
            restarted.kill();
            awaitOnlineReplicas(redis, 1);
            restarted.start();
            awaitOnlineReplicas(redis, 2);
            resetStats(redis);

            awaitTrue(() -> {
                for (int i = 0; i < 100; i++) {
                    connection.sync().get("k" + i);
                }
                return calls(restarted, "get") > 0;
            }, "reads on the restarted replica");
        }
    }

    @Test
    void releasesEveryServerConnectionWhenClosed() {
        try (RedisTopology redis = started(SPEC)) {
            List<RedisNode> nodes = new java.util.ArrayList<>(redis.replicas());
            nodes.add(redis.master());
            List<Long> before = nodes.stream().map(this::connectedClients).toList();
            StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA);
            connection.sync().get("k");
            assertThat(nodes.stream().map(this::connectedClients).toList()).isNotEqualTo(before);

            connection.close();

            awaitTrue(() -> nodes.stream().map(this::connectedClients).toList().equals(before),
                    "the servers' connected_clients back to " + before);
            awaitTrue(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().startsWith("redis-kube-topology")),
                    "the topology thread to end");
        }
    }

    /** @return the server's own count of client connections, without the one asking */
    private long connectedClients(RedisNode node) {
        String info = node.call(client, c -> c.info("clients"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("connected_clients:")) {
                return Long.parseLong(line.substring("connected_clients:".length()).strip()) - 1;
            }
        }
        throw new AssertionError("no connected_clients in " + info);
    }

    @Test
    void stopsReadingFromAReplicaThatLeft() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.ANY_REPLICA)) {
            RedisNode leaving = redis.replicas().get(0);
            // leaves the set but stays reachable: only the re-check can tell reads to stop going there
            leaving.call(client, RedisCommands::replicaofNoOne);
            awaitOnlineReplicas(redis, 1);

            awaitTrue(() -> {
                resetStats(redis);
                for (int i = 0; i < 100; i++) {
                    connection.sync().get("k" + i);
                }
                return calls(leaving, "get") == 0;
            }, "no more reads on the replica that left");
            resetStats(redis);
            for (int i = 0; i < 200; i++) {
                connection.sync().get("k" + i);
            }
            assertThat(calls(leaving, "get")).isZero();
            assertThat(calls(redis.replicas().get(1), "get")).isEqualTo(200);
        }
    }

    @Test
    void reportsAWrongPasswordAsAConnectionExceptionThatSaysSo() {
        try (RedisTopology redis = started(SPEC)) {
            RedisEndpoints wrong = endpoints(redis).toBuilder().password("not-the-password-at-all").build();

            assertThatThrownBy(() -> RedisKubeConnections.connect(client, wrong))
                    .isInstanceOf(RedisConnectionException.class)
                    .hasMessageContaining("cannot connect to the Redis master at 127.0.0.1:" + redis.master().port())
                    .hasMessageContaining("WRONGPASS")
                    .hasMessageContaining("check the password");
        }
    }

    @Test
    void reportsAnUnreachableMasterAsAConnectionExceptionThatSaysSo() {
        int nothingListens = freePort();
        RedisEndpoints nowhere = RedisEndpoints.builder().master("127.0.0.1", nothingListens).build();

        assertThatThrownBy(() -> RedisKubeConnections.connect(client, nowhere))
                .isInstanceOf(RedisConnectionException.class)
                .hasMessageContaining("cannot connect to the Redis master at 127.0.0.1:" + nothingListens)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void explainsThatClusterNamesNeedAnAddressMapperOutsideTheCluster() {
        RedisEndpoints inCluster = RedisEndpoints.builder().master("orders-master.tenant-a.svc.invalid", 6379).build();

        assertThatThrownBy(() -> RedisKubeConnections.connect(client, inCluster))
                .isInstanceOf(RedisConnectionException.class)
                .hasMessageContaining("cannot connect to the Redis master at orders-master.tenant-a.svc.invalid:6379")
                .hasMessageContaining("addressMapper");
    }

    @Test
    void mapsAnnouncedAddressesThroughTheAddressMapper() {
        try (RedisTopology redis = started(SPEC)) {
            // pretend the servers are known by in-cluster names only; the mapper leads to the local ports
            RedisEndpoints inCluster = RedisEndpoints.builder()
                    .master("orders-master.default.svc.cluster.local", 6379)
                    .password(redis.password())
                    .topologyRefresh(REFRESH)
                    .addressMapper(a -> a.host().endsWith(".svc.cluster.local")
                            ? new RedisEndpoints.Address("127.0.0.1", redis.master().port()) : a)
                    .build();
            try (StatefulRedisMasterReplicaConnection<String, String> connection =
                         RedisKubeConnections.connect(client, StringCodec.UTF8, inCluster, ReadFrom.REPLICA)) {
                resetStats(redis);
                connection.sync().set("k", "v");
                connection.sync().get("k");
                assertThat(calls(redis.master(), "set")).isEqualTo(1);
                assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isEqualTo(1);
            }
        }
    }

    @Test
    void readsGoToTheReplicasAgainAfterAMultiOrExecRejectedWhileTheMasterIsDown() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            RedisCommands<String, String> sync = connection.sync();
            sync.set("k", "v");
            assertThat(sync.waitForReplication(2, 5000)).isEqualTo(2);
            sync.multi();
            sync.set("tx", "1");
            redis.master().kill();
            Node master = writer(connection).topology().master();
            awaitTrue(() -> !master.open(), "the split connection to see the master down");

            assertThatThrownBy(sync::exec).isInstanceOf(RedisException.class);
            resetStats(redis.replicas());
            assertThat(sync.get("k")).as("a read after the rejected EXEC").isEqualTo("v");
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isEqualTo(1);

            assertThatThrownBy(sync::multi).isInstanceOf(RedisException.class).hasMessageContaining("not connected");
            assertThat(sync.get("k")).as("a read after the rejected MULTI").isEqualTo("v");
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isEqualTo(2);
        }
    }

    @Test
    void sendsScriptLoadAndEvalshaToTheMasterSoTheScriptIsFound() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            RedisCommands<String, String> sync = connection.sync();
            sync.set("k", "v");
            resetStats(redis);

            String sha = sync.scriptLoad("return redis.call('GET', KEYS[1])");
            assertThat(sync.scriptExists(sha)).containsExactly(true);
            String value = sync.evalsha(sha, ScriptOutputType.VALUE, "k");
            String readOnly = sync.evalshaReadOnly(sha, ScriptOutputType.VALUE, new String[] {"k"});

            assertThat(value).isEqualTo("v");
            assertThat(readOnly).isEqualTo("v");
            assertThat(calls(redis.master(), "script|load")).isEqualTo(1);
            assertThat(calls(redis.master(), "script|exists")).isEqualTo(1);
            assertThat(calls(redis.master(), "evalsha")).isEqualTo(1);
            assertThat(calls(redis.master(), "evalsha_ro")).isEqualTo(1);
            assertThat(redis.replicas()).allSatisfy(r -> assertThat(calls(r, "script|load")).isZero());
        }
    }

    @Test
    void sendsClientCommandsToTheMaster() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            resetStats(redis);
            connection.sync().clientSetname("orders-app");

            assertThat(connection.sync().clientGetname()).isEqualTo("orders-app");
            assertThat(calls(redis.master(), "client|setname")).isEqualTo(1);
            assertThat(calls(redis.master(), "client|getname")).isEqualTo(1);
            assertThat(redis.replicas()).allSatisfy(r -> assertThat(calls(r, "client|setname")).isZero());
        }
    }

    @Test
    void readsWatchedKeysOnTheMasterUntilExecOrUnwatch() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            RedisCommands<String, String> sync = connection.sync();
            sync.set("counter", "1");
            resetStats(redis);

            sync.watch("counter");
            String seen = sync.get("counter");
            sync.multi();
            sync.set("counter", String.valueOf(Integer.parseInt(seen) + 1));
            assertThat(sync.exec().wasDiscarded()).isFalse();
            assertThat(calls(redis.master(), "get")).as("the read of the watched key").isEqualTo(1);
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).isZero();

            sync.get("counter");
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).as("after EXEC").isEqualTo(1);

            sync.watch("counter");
            sync.get("counter");
            sync.unwatch();
            sync.get("counter");
            assertThat(calls(redis.master(), "get")).as("reads on the master in all").isEqualTo(2);
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).as("after UNWATCH").isEqualTo(2);

            sync.watch("counter");
            sync.multi();
            sync.discard();
            sync.get("counter");
            assertThat(redis.replicas().stream().mapToLong(r -> calls(r, "get")).sum()).as("after DISCARD").isEqualTo(3);
        }
    }

    @Test
    void rejectsSelectWithAMessageThatSaysWhy() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            resetStats(redis);

            assertThatThrownBy(() -> connection.sync().select(1))
                    .isInstanceOf(RedisException.class)
                    .hasMessageContaining("SELECT is not supported on a split connection")
                    .hasMessageContaining("keep to database 0");
            assertThat(calls(redis.master(), "select")).isZero();
            assertThat(redis.replicas()).allSatisfy(r -> assertThat(calls(r, "select")).isZero());
            assertThat(connection.sync().set("k", "v")).isEqualTo("OK");
        }
    }

    @Test
    void refusesAWaitAfterTheMasterChangedSinceTheLastWrite() {
        try (RedisTopology redis = started(SPEC);
             StatefulRedisMasterReplicaConnection<String, String> connection = connect(redis, ReadFrom.REPLICA)) {
            RedisCommands<String, String> sync = connection.sync();
            sync.set("before", "switch");
            RedisNode promoted = redis.replicas().get(0);
            promoted.call(client, RedisCommands::replicaofNoOne);
            RoutingWriter writer = writer(connection);
            Topology old = writer.topology();
            Node next = new Node(new RedisEndpoints.Address("127.0.0.1", promoted.port()), promoted.uri(),
                    RedisInstance.Role.UPSTREAM, client.connect(promoted.uri()));
            writer.topology(new Topology(next, old.replicas().stream()
                    .filter(r -> r.address().port() != promoted.port()).toList()));
            old.master().connection().close();
            resetStats(List.of(promoted));

            assertThatThrownBy(() -> sync.waitForReplication(1, 100))
                    .isInstanceOf(RedisException.class)
                    .hasMessage("the master changed since the last write (127.0.0.1:" + redis.master().port()
                            + " → 127.0.0.1:" + promoted.port() + "); WAIT cannot vouch for it: write again");
            assertThat(calls(promoted, "wait")).isZero();

            sync.set("after", "switch");
            assertThat(sync.waitForReplication(0, 100)).isZero();
            assertThat(sync.waitForReplication(0, 100)).as("no write since the last WAIT").isZero();
            assertThat(calls(promoted, "wait")).isEqualTo(2);
        }
    }

    private RedisTopology started(RedisReplicationSpec spec) {
        return ServerChecks.started(client, spec, tempDir);
    }

    private StatefulRedisMasterReplicaConnection<String, String> connect(RedisTopology redis, ReadFrom readFrom) {
        return RedisKubeConnections.connect(client, StringCodec.UTF8, endpoints(redis), readFrom);
    }

    /** Static endpoints of the topology: the master, each replica, a 300 ms re-check. */
    static RedisEndpoints endpoints(RedisTopology redis) {
        RedisEndpoints.Builder builder = RedisEndpoints.builder()
                .master("127.0.0.1", redis.master().port())
                .password(redis.password())
                .topologyRefresh(REFRESH)
                .timeout(Duration.ofSeconds(5));
        redis.replicas().forEach(r -> builder.replica("127.0.0.1", r.port()));
        return builder.build();
    }

    private void awaitOnlineReplicas(RedisTopology redis, int count) {
        ServerChecks.awaitOnlineReplicas(client, redis.master(), count);
    }

    private void resetStats(RedisTopology redis) {
        resetStats(ServerChecks.nodes(redis));
    }

    private void resetStats(List<RedisNode> nodes) {
        ServerChecks.resetStats(client, nodes);
    }

    /** @return how often the server itself counted the command ({@code cmdstat_<command>:calls=N}) */
    private long calls(RedisNode node, String command) {
        return node.commandCalls(client, command);
    }

    private static java.util.List<Object> exec(RedisCommands<String, String> sync) {
        io.lettuce.core.TransactionResult result = sync.exec();
        return result.stream().toList();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
