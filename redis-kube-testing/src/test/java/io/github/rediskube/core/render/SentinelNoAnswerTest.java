package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a pod that does not answer is not a pod that knows nothing. Real redis-server and
 * redis-sentinel processes run the rendered configs and ha.sh; the master after a failover is stopped
 * with SIGSTOP (it keeps its port and accepts connections but never replies: a timeout, as a hung or
 * starved pod gives) while the ex-master restarts. Before the fix the ex-master took the silence for "no
 * master anywhere" and started as a second, empty master ("know no replica (first start)").
 */
class SentinelNoAnswerTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
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

    @Test
    void exMasterTheSentinelsNameWithNoReplicaWaitsWhileTheMasterIsSilentAndThenFollowsIt(@TempDir Path dir) {
        RedisReplicationSpec spec = SentinelFailoverTest.spec();
        try (SentinelTopology ha = SentinelTopology.start(spec, dir)) {
            RedisNode podZero = ha.redisNodes().get(0);
            RedisNode promoted = failedOverWithKeys(ha, podZero);

            podZero.kill();
            promoted.pause();
            // the Sentinels' view the CI run's ex-master met: they name it, epoch 0, and know no replica
            for (RedisNode sentinel : ha.sentinels()) {
                try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(sentinel.uri())) {
                    c.sync().remove(ha.masterName());
                    c.sync().monitor(ha.masterName(), "127.0.0.1", podZero.port(), spec.sentinel().quorum());
                    c.sync().set(ha.masterName(), "auth-pass", ha.password());
                }
            }
            int logged = podZero.log().length();
            podZero.launch();
            await(() -> decidedOrWaiting(podZero.log().substring(logged)), "the ex-master decides or waits");
            promoted.resume();

            assertOneMasterWithEveryKeyAndTheExMasterItsReplica(ha, promoted, podZero);
            assertThat(podZero.log().substring(logged)).contains(
                    "127.0.0.1:" + promoted.port() + " did not answer in time", "waiting (never a second master)");
        }
    }

    @Test
    void sentinelsReplacedWhileTheMasterIsSilentWaitForItInsteadOfMonitoringTheExMaster(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir)) {
            RedisNode podZero = ha.redisNodes().get(0);
            RedisNode promoted = failedOverWithKeys(ha, podZero);

            promoted.pause();
            podZero.kill();
            List<Integer> sentinelLogs = ha.sentinels().stream().map(s -> s.log().length()).toList();
            ha.replaceSentinels();   // new Sentinel pods, no state, while the master hangs
            int logged = podZero.log().length();
            podZero.launch();
            await(() -> podZero.log().substring(logged).contains("starting as")
                    || allSentinelsLogged(ha, sentinelLogs, "did not answer in time (it may be the master)"),
                    "the ex-master decides or every Sentinel waits for the silent master");
            promoted.resume();

            assertOneMasterWithEveryKeyAndTheExMasterItsReplica(ha, promoted, podZero);
            assertThat(ha.sentinelLogs()).contains("the Redis pods name 127.0.0.1:" + promoted.port() + " the master");
        }
    }

    @Test
    void sentinelsReplacedWhileTheMasterHangsForGoodStartAfterABoundAndFailOverToTheReplicaThatAnswers(
            @TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir)) {
            RedisNode podZero = ha.redisNodes().get(0);
            RedisNode hung = failedOverWithKeys(ha, podZero);
            RedisNode other = ha.redisNodes().stream().filter(n -> n != podZero && n != hung).findFirst().orElseThrow();
            String stalePassword = "a-retired-Password-0123456789";
            podZero.call(client, c -> c.configSet("requirepass", stalePassword));   // answers, but NOAUTH to us

            hung.pause();             // never answers again until the kubelet's liveness probe restarts it
            List<Integer> sentinelLogs = ha.sentinelLogMark();
            ha.replaceSentinels();    // new Sentinel pods, no state, no Sentinel that answers

            RedisNode next = ha.awaitMasterOtherThan(hung, Duration.ofSeconds(90));
            String logs = ha.sentinelLogsSince(sentinelLogs);
            assertThat(next).as("the replica whose role can be read").isSameAs(other);
            assertThat(logs).contains("127.0.0.1:" + podZero.port() + " (answers NOAUTH to our password)",
                    "still did not answer after 10s: deciding from the pods that answer",
                    "the pods that answer replicate 127.0.0.1:" + hung.port());

            podZero.kill();           // restarted with the password its file holds: it asks the Sentinels
            podZero.start();
            hung.kill();
            hung.start();
            assertThat(ha.awaitOneMasterAllLinked(Duration.ofSeconds(60))).isSameAs(next);
            for (RedisNode node : ha.redisNodes()) {
                long keys = node.call(client, c -> c.dbsize());
                assertThat(keys).as("keys on %s", node).isEqualTo(KEYS);
            }
        }
    }

    /** Pod zero was master, was killed, the Sentinels promoted another pod; pod zero rejoined as its replica. */
    private static RedisNode failedOverWithKeys(SentinelTopology ha, RedisNode podZero) {
        ha.awaitOneMasterAllLinked(BOUND);
        ha.awaitSentinelsKnowReplicas(2, BOUND);
        long acknowledged = podZero.call(client, c -> {
            for (int i = 0; i < KEYS; i++) {
                c.set("key:" + i, "value-" + i);
            }
            return c.waitForReplication(2, 5000);
        });
        assertThat(acknowledged).as("replicas acknowledging the keys").isEqualTo(2);
        podZero.kill();
        RedisNode promoted = ha.awaitMasterOtherThan(podZero, BOUND);
        podZero.start();
        assertThat(ha.awaitOneMasterAllLinked(BOUND)).isSameAs(promoted);
        return promoted;
    }

    private static void assertOneMasterWithEveryKeyAndTheExMasterItsReplica(SentinelTopology ha, RedisNode promoted,
            RedisNode podZero) {
        RedisNode master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
        assertThat(master).as("the one master").isSameAs(promoted);
        assertThat(ha.liveMasters()).containsExactly(promoted);
        for (RedisNode node : ha.redisNodes()) {
            long keys = node.call(client, c -> c.dbsize());
            assertThat(keys).as("keys on %s", node).isEqualTo(KEYS);
        }
        String replication = podZero.call(client, c -> c.info("replication"));
        assertThat(replication).contains("role:slave", "master_port:" + promoted.port() + "\r",
                "master_link_status:up");
    }

    private static boolean decidedOrWaiting(String log) {
        return log.contains("starting as") || log.contains("waiting (never a second master)");
    }

    private static boolean allSentinelsLogged(SentinelTopology ha, List<Integer> from, String text) {
        List<RedisNode> sentinels = ha.sentinels();
        for (int i = 0; i < sentinels.size(); i++) {
            if (!sentinels.get(i).log().substring(from.get(i)).contains(text)) {
                return false;
            }
        }
        return true;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + BOUND + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
