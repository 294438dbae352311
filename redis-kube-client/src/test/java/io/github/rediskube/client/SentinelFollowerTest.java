package io.github.rediskube.client;

import static io.github.rediskube.client.ServerChecks.awaitTrue;
import static io.github.rediskube.client.ServerChecks.writer;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a planned failover ({@code SENTINEL FAILOVER}, the old master alive) with the split
 * connection re-checking the Sentinels every 100 ms. Real redis-server and redis-sentinel processes
 * running the rendered configs and ha.sh, three Sentinels, two replicas.
 *
 * <p>The interleaving: the Sentinel asked to fail over leads it; from promoting the replica until its own
 * {@code +switch-master} (it first reconfigures the other replica, about a second here) its
 * {@code SENTINEL MASTER} reply already carries the new config epoch but still the old master's address,
 * while the other Sentinels have announced the new master. The test sends the failover to the Sentinel
 * the connection lists (and asks) first, watches that Sentinel's reply so each run proves the interleaving
 * happened after the connection followed the announcement, and counts acknowledged writes missing from
 * the new master once the old one has been turned into its replica.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SentinelFollowerTest {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SentinelFollowerTest.class);

    @TempDir
    Path tempDir;

    @RegisterExtension
    final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(100));

    private RedisClient client;

    @BeforeEach
    void client() {
        client = clients.client();
    }

    @Test
    void aReCheckNeverMovesWritesBackToTheOldMasterWhileTheLeadingSentinelStillNamesItAtTheNewEpoch()
            throws Exception {
        try (SentinelTopology ha = SentinelConnectionTest.started(SentinelConnectionTest.spec(0), tempDir)) {
            RedisSentinels sentinels = SentinelConnectionTest.sentinels(ha).toBuilder()
                    .topologyRefresh(Duration.ofMillis(100)).build();
            RedisNode old = ha.currentMaster();
            RedisNode leader = ha.sentinels().get(0);
            assertThat(sentinels.sentinels().get(0).port()).as("the leader is the Sentinel asked first")
                    .isEqualTo(leader.port());
            Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicLong followedAt = new AtomicLong();
            AtomicLong interleavedAt = new AtomicLong();
            AtomicLong interleavedUntil = new AtomicLong();
            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, sentinels);
                 StatefulRedisSentinelConnection<String, String> watch = client.connectSentinel(StringCodec.UTF8,
                         sentinels.uri(sentinels.sentinels().get(0)))) {
                long epochBefore = epoch(watch.sync().master(ha.masterName()));
                AtomicBoolean stop = new AtomicBoolean();
                Thread writes = new Thread(() -> write(redis, acknowledged, stop), "test-writer");
                Thread watcher = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            Map<String, String> seen = watch.sync().master(ha.masterName());
                            if (followedAt.get() != 0 && epoch(seen) > epochBefore
                                    && Integer.parseInt(seen.get("port")) == old.port()) {
                                interleavedAt.compareAndSet(0, System.nanoTime());
                                interleavedUntil.set(System.nanoTime());
                            }
                        } catch (RuntimeException slow) {
                            // a reply that timed out on a loaded machine: ask again
                        }
                    }
                }, "test-leader-watch");
                writes.start();
                watcher.start();
                try {
                    awaitTrue(() -> acknowledged.size() >= 200, "200 writes acknowledged before the failover");
                    // no write lands on the old master while the new one is promoted (as the planned
                    // failover's preStop does), so every loss counted below is the client's doing
                    old.call(client, c -> c.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(60_000).add("WRITE")));
                    awaitReplicasCaughtUp(ha, old);

                    assertThat(watch.sync().failover(ha.masterName())).isEqualTo("OK");
                    awaitTrue(() -> writer(redis).topology().master().address().port() != old.port(),
                            "the connection to follow the new master");
                    followedAt.set(System.nanoTime());
                    int followedWith = acknowledged.size();
                    // the old master takes writes again, as it would once a pause ends: now a re-check that
                    // moved writes back to it would lose them when Sentinel turns it into a replica
                    old.call(client, c -> c.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE")));
                    awaitTrue(() -> Integer.parseInt(watch.sync().master(ha.masterName()).get("port")) != old.port(),
                            "the leading Sentinel's own +switch-master");
                    int switchedWith = acknowledged.size();
                    awaitTrue(() -> acknowledged.size() >= switchedWith + 200, "200 writes after the leader switched");
                    assertThat(switchedWith).as("writes acknowledged during the reconfiguration")
                            .isGreaterThan(followedWith);
                } finally {
                    stop.set(true);
                    writes.join(5000);
                    watcher.join(5000);
                }
            }

            // Sentinel turns the old master into a replica of the new one (about 10 s after the switch)
            ha.awaitLinked(old, Duration.ofSeconds(60));
            RedisNode master = ha.currentMaster();
            List<String> lost = master.call(client, c -> acknowledged.stream().filter(k -> c.exists(k) == 0).toList());
            LOG.info("planned failover with a 100 ms re-check: {} writes acknowledged, {} lost; after the connection "
                    + "followed the new master, the leading Sentinel named the old one at the new epoch for {} ms",
                    acknowledged.size(), lost.size(), interleavedAt.get() == 0 ? "0"
                            : String.valueOf((interleavedUntil.get() - followedAt.get()) / 1_000_000));
            assertThat(interleavedAt.get()).as("the leading Sentinel named the old master at the new epoch after "
                    + "the connection followed the new one (the interleaving under test)").isPositive();
            assertThat(lost).as("acknowledged writes lost of %d (first: %s)", acknowledged.size(),
                    lost.stream().limit(5).toList()).isEmpty();
        }
    }

    @Test
    void aReCheckDoesNotMoveWritesToAServerThatDoesNotReportRoleMaster() throws Exception {
        try (SentinelTopology ha = SentinelConnectionTest.started(SentinelConnectionTest.spec(0), tempDir)) {
            RedisSentinels sentinels = SentinelConnectionTest.sentinels(ha);
            RedisKubeConnections.Following<String, String> following = RedisKubeConnections.following(client,
                    StringCodec.UTF8, sentinels, ReadFrom.REPLICA_PREFERRED);
            try (StatefulRedisMasterReplicaConnection<String, String> redis = following.connection();
                 StatefulRedisSentinelConnection<String, String> sentinel = client.connectSentinel(StringCodec.UTF8,
                         sentinels.uri(sentinels.sentinels().get(0)))) {
                RedisNode master = ha.currentMaster();
                RedisNode replica = ha.redisNodes().stream().filter(n -> n != master).findFirst().orElseThrow();
                long newer = epoch(sentinel.sync().master(ha.masterName())) + 1;
                // every Sentinel naming a replica at a newer epoch (as Sentinels restarted from a stale
                // configuration might): still a replica, so writes stay where they are
                List<FollowedMaster.Answer> answers = sentinels.sentinels().stream()
                        .map(s -> new FollowedMaster.Answer(s, newer, new RedisEndpoints.Address("127.0.0.1",
                                replica.port())))
                        .toList();

                following.follower().recheckWith(answers);

                assertThat(writer(redis).topology().master().address().port()).as("the write target")
                        .isEqualTo(master.port());
                assertThat(redis.sync().set("after", "re-check")).isEqualTo("OK");
                String value = master.call(client, c -> c.get("after"));
                assertThat(value).isEqualTo("re-check");
            }
        }
    }

    private static long epoch(Map<String, String> master) {
        return Long.parseLong(master.getOrDefault("config-epoch", "0"));
    }

    /** SETs one new key after the other; a key is acknowledged when its SET answered OK. */
    private static void write(StatefulRedisMasterReplicaConnection<String, String> redis, Queue<String> acknowledged,
            AtomicBoolean stop) {
        for (long i = 0; !stop.get(); i++) {
            String key = "w" + i;
            try {
                if ("OK".equals(redis.async().set(key, "v").get(1, TimeUnit.SECONDS))) {
                    acknowledged.add(key);
                }
            } catch (Exception notNow) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits until every replica has applied everything the (paused) master holds. */
    private void awaitReplicasCaughtUp(SentinelTopology ha, RedisNode master) {
        long offset = offset(master);
        for (RedisNode replica : ha.redisNodes()) {
            if (replica != master) {
                awaitTrue(() -> offset(replica) >= offset, replica + " at the master's offset " + offset);
            }
        }
    }

    private long offset(RedisNode node) {
        String info = node.call(client, c -> c.info("replication"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("master_repl_offset:")) {
                return Long.parseLong(line.substring("master_repl_offset:".length()).strip());
            }
        }
        throw new AssertionError("no master_repl_offset in " + info);
    }
}
