package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology.ProbeResult;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: what the master pod's preStop ({@code ha.sh prestop}) must not set off in the Sentinels — a failover
 * of their own beside the one it asks for, or one of their new master — with real redis-server and
 * redis-sentinel processes (down-after 1 s, as in {@link SentinelFailoverTest#spec()}).
 */
class SentinelPreStopTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static RedisClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void createClient() {
        client = RedisClient.create();
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /**
     * While preStop holds writes waiting for its replicas (here: frozen, so it waits its full 5 s), the master must
     * go on answering the Sentinels. CLIENT PAUSE WRITE held their hello PUBLISH and the PING queued behind it, so
     * they saw the master down after down-after and started a failover of their own: in the container tier one
     * such failover promoted a replica while preStop waited, and the failover preStop then asked for moved the
     * master a second time.
     */
    @Test
    void whilePreStopHoldsWritesTheSentinelsStillSeeTheMasterUp() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            List<RedisNode> replicas = ha.redisNodes().stream().filter(n -> n != master).toList();
            replicas.forEach(r -> ha.awaitLinked(r, BOUND));
            ha.awaitSentinelsKnowReplicas(2, BOUND);
            String toWrite = master.call(client, c -> c.configGet("min-replicas-to-write").get("min-replicas-to-write"));
            List<Integer> logged = ha.sentinelLogMark();

            ProbeResult preStop;
            String refusal;
            replicas.forEach(RedisNode::pause);
            try {
                // A write the frozen replicas cannot have: without it the master's offset may still equal their
                // last acknowledgement (between two Sentinel hellos), preStop finds them holding everything at
                // once and asks for a failover the Sentinels still accept, frozen replicas not yet down.
                master.call(client, c -> c.set("after-the-replicas-froze", "v"));
                CompletableFuture<ProbeResult> running = CompletableFuture.supplyAsync(
                        () -> ha.runScript(master, Map.of(), Duration.ofSeconds(40), "prestop"));
                refusal = !holding(master) ? "preStop never demanded more replicas than exist" : master.call(client, c -> {
                    try {
                        return c.set("during-prestop", "v");
                    } catch (RedisCommandExecutionException e) {
                        return e.getMessage();
                    }
                });
                preStop = running.join();
            } finally {
                replicas.forEach(RedisNode::resume);
            }
            String during = ha.sentinelLogsSince(logged);

            System.out.printf("preStop with frozen replicas: %s%nSentinels meanwhile:%n%s%n", preStop.output(), during);
            assertThat(preStop.output()).contains("replicas still behind", "no Sentinel accepted the failover");
            assertThat(during).as("the Sentinels' view of the master while preStop held writes")
                    .doesNotContain("+sdown master").doesNotContain("+try-failover");
            String after = master.call(client, c -> c.configGet("min-replicas-to-write").get("min-replicas-to-write"));
            assertThat(after).as("a master that stays one takes writes again as before").isEqualTo(toWrite);
            assertThat(refusal).as("a write while preStop holds writes").startsWith("NOREPLICAS");
        }
    }

    /**
     * A master whose Sentinels name another master already (they failed over by themselves, here: a replica
     * turned master beside theirs, with a replica of its own) must not ask them for a failover: SENTINEL FAILOVER
     * fails over whatever they name, so it would move their master away. It follows the master they name.
     */
    @Test
    void preStopOfAMasterTheSentinelsNoLongerNameFollowsTheirsInsteadOfFailingItOver() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            RedisNode stray = ha.redisNodes().get(1);
            RedisNode strayReplica = ha.redisNodes().get(2);
            ha.awaitLinked(stray, BOUND);
            ha.awaitLinked(strayReplica, BOUND);
            ha.awaitSentinelsKnowReplicas(2, BOUND);
            stray.call(client, c -> c.replicaofNoOne());
            strayReplica.call(client, c -> c.replicaof("127.0.0.1", stray.port()));
            awaitLinkedTo(strayReplica, stray);
            List<Integer> logged = ha.sentinelLogMark();

            ProbeResult preStop = ha.runScript(stray, Map.of(), Duration.ofSeconds(40), "prestop");
            String during = ha.sentinelLogsSince(logged);

            System.out.printf("preStop of a master the Sentinels do not name: %s%n", preStop.output());
            assertThat(preStop.output()).contains("names 127.0.0.1:" + master.port() + " the master already: no failover asked",
                    "failed over: this pod is a replica of 127.0.0.1:" + master.port());
            assertThat(during).as("the Sentinels meanwhile").doesNotContain("+try-failover").doesNotContain("+switch-master");
            assertThat(ha.masterPortFromSentinels()).contains(master.port());
            String replication = stray.call(client, c -> c.info("replication"));
            assertThat(replication).contains("role:slave", "master_port:" + master.port());
        }
    }

    private static void awaitLinkedTo(RedisNode replica, RedisNode master) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!replica.call(client, c -> c.info("replication")).matches(
                "(?s).*master_port:" + master.port() + "\\r\\n.*master_link_status:up.*")) {
            assertThat(System.nanoTime()).as(replica + " linked to " + master).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** @return whether preStop came to hold writes on the master (demanding more replicas than exist) within the bound */
    private static boolean holding(RedisNode master) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!"2147483647".equals(master.call(client,
                c -> c.configGet("min-replicas-to-write").get("min-replicas-to-write")))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return true;
    }
}
