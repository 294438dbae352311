package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: real redis-server and redis-sentinel processes run the rendered configs and ha.sh (only
 * ports, bind address and directories substituted) and fail over with no JVM of ours in the loop:
 * the Sentinels promote a replica, restarted pods ask them whom to follow, and data survives.
 */
class SentinelFailoverTest {

    private static final Duration FAILOVER = Duration.ofSeconds(20);
    private static final int KEYS = 200;

    private static RedisClient client;

    @BeforeAll
    static void createClient() {
        client = RedisClient.create();
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    static RedisReplicationSpec spec() {
        return RedisKube.replication("orders")
                .passwordGenerator(PasswordGenerator.fixed("s3cret-Password-0123456789"))
                .master(n -> n.memoryLimit("64Mi"))
                .replicas(2)
                .config("repl-diskless-sync-delay", "0")
                .sentinel(s -> s.downAfter(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(5)))
                .build();
    }

    private static void writeKeys(RedisNode master, int replicasToAck) {
        master.call(client, c -> {
            for (int i = 0; i < KEYS; i++) {
                c.set("key:" + i, "value-" + i);
            }
            return c.waitForReplication(replicasToAck, 5000);
        });
    }

    private static long keys(RedisNode node) {
        return node.call(client, c -> c.dbsize());
    }

    @Test
    void firstStartMakesPodZeroTheMasterAndTheReplicasFollowIt(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode podZero = ha.redisNodes().get(0);

            assertThat(ha.currentMaster()).isSameAs(podZero);
            for (RedisNode replica : ha.redisNodes().subList(1, 3)) {
                ha.awaitLinked(replica, FAILOVER);
            }
            assertThat(podZero.log()).contains("know no replica (first start): starting as master");
        }
    }

    @Test
    void killedMasterIsReplacedAndRejoinsAsAReplicaWithTheData(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(master, 2);

            master.kill();
            RedisNode promoted = ha.awaitMasterOtherThan(master, FAILOVER);

            assertThat(keys(promoted)).isEqualTo(KEYS);
            RedisNode other = ha.redisNodes().stream().filter(n -> n != master && n != promoted).findFirst()
                    .orElseThrow();
            ha.awaitLinked(other, FAILOVER);
            master.start();
            ha.awaitLinked(master, FAILOVER);
            assertThat(keys(master)).as("the ex-master, resynced from the new master").isEqualTo(KEYS);
            assertThat(master.log()).contains("starting as its replica");
        }
    }

    @Test
    void masterRestartedBeforeFailoverWaitsInsteadOfComingBackEmpty(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode master = ha.currentMaster();
            List<RedisNode> replicas = ha.redisNodes().stream().filter(n -> n != master).toList();
            replicas.forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(master, 2);

            master.kill();
            master.start(); // at once: the Sentinels still name it master; it must wait, not start empty

            RedisNode promoted = ha.awaitMasterOtherThan(master, FAILOVER);
            ha.awaitLinked(master, FAILOVER);
            assertThat(master.log()).contains("waiting for them to promote one (never starting empty)");
            for (RedisNode node : ha.redisNodes()) {
                assertThat(keys(node)).as("keys on %s (master %s)", node, promoted).isEqualTo(KEYS);
            }
        }
    }

    @Test
    void failoverStillHappensWithOneSentinelDown(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);

            ha.sentinels().get(0).kill();
            master.kill();

            RedisNode promoted = ha.awaitMasterOtherThan(master, FAILOVER);
            // min-replicas-to-write 1 (the Sentinel default): the new master takes writes once a replica follows it
            ha.redisNodes().stream().filter(n -> n != master && n != promoted)
                    .forEach(r -> ha.awaitLinked(r, FAILOVER));
            String reply = promoted.call(client, c -> c.set("after", "failover"));
            assertThat(reply).isEqualTo("OK");
        }
    }

    @Test
    void sentinelsRestartedTogetherAfterAFailoverFindTheLiveMasterAndLeaveNoSecondOne(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode podZero = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != podZero).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(podZero, 2);
            podZero.kill();
            RedisNode promoted = ha.awaitMasterOtherThan(podZero, FAILOVER);
            podZero.start();
            ha.awaitLinked(podZero, FAILOVER);

            ha.restartSentinels();          // e.g. kubectl delete pod -l ...component=sentinel: no state left
            awaitSentinelsAnswer(ha);
            podZero.kill();                 // then pod 0 restarts, asking the new Sentinels whom to follow
            podZero.start();

            ha.awaitOneMasterAllLinked(Duration.ofSeconds(30));
            assertThat(ha.liveMasters()).containsExactly(promoted);
            assertThat(ha.sentinelLogs()).contains("the Redis pods name 127.0.0.1:" + promoted.port() + " the master");
            for (RedisNode node : ha.redisNodes()) {
                assertThat(keys(node)).as("keys on %s", node).isEqualTo(KEYS);
            }
        }
    }

    @Test
    void sentinelsReplacedWhileTheMasterIsDownMonitorTheMasterItsReplicasFollowAndFailOverToOne(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            RedisNode podZero = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != podZero).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(podZero, 2);
            podZero.kill();
            RedisNode promoted = ha.awaitMasterOtherThan(podZero, FAILOVER);
            podZero.start();
            ha.awaitOneMasterAllLinked(Duration.ofSeconds(30));

            promoted.kill();                // the master is down (nothing listens) ...
            ha.restartSentinels();          // ... when every Sentinel is replaced: no state, no other Sentinel
            RedisNode next = ha.awaitMasterOtherThan(promoted, Duration.ofSeconds(30));
            promoted.start();               // the kubelet restarts it: it follows the new master

            assertThat(ha.awaitOneMasterAllLinked(Duration.ofSeconds(30))).isSameAs(next);
            assertThat(ha.sentinelLogs()).contains("the pods that answer replicate 127.0.0.1:" + promoted.port());
            for (RedisNode node : ha.redisNodes()) {
                assertThat(keys(node)).as("keys on %s (master %s)", node, next).isEqualTo(KEYS);
            }
        }
    }

    @Test
    void storageRedeployWithKeptVolumesFollowsThePodWithTheNewestData(@TempDir Path dir) {
        RedisReplicationSpec spec = spec().toBuilder().storage(s -> s.size("1Gi")).build();
        try (SentinelTopology ha = SentinelTopology.start(spec, dir)) {
            RedisNode podZero = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != podZero).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(podZero, 2);                       // 200 keys on every volume
            podZero.kill();                              // pod 0 down; its volume stops at 200 keys
            RedisNode promoted = ha.awaitMasterOtherThan(podZero, FAILOVER);
            ha.redisNodes().stream().filter(n -> n != podZero && n != promoted)
                    .forEach(r -> ha.awaitLinked(r, FAILOVER));
            promoted.call(client, c -> {
                for (int i = KEYS; i < 3 * KEYS; i++) {
                    c.set("key:" + i, "value-" + i);
                }
                return c.waitForReplication(1, 5000);
            });                                          // 600 keys on the promoted pod and its replica

            ha.redeploy(Duration.ofSeconds(60));         // delete, deploy again: volumes kept, all pods at once

            RedisNode master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
            for (RedisNode node : ha.redisNodes()) {
                assertThat(keys(node)).as("keys on %s (master %s)", node, master).isEqualTo(3 * KEYS);
            }
            assertThat(ha.sentinelLogs()).contains("restarting from this Sentinel's kept state");
        }
    }

    private static void awaitSentinelsAnswer(SentinelTopology ha) {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (ha.masterPortFromSentinels().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no Sentinel answers after the restart:\n" + ha.sentinelLogs());
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
