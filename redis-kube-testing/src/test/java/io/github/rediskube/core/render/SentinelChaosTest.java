package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane chaos: real processes running the rendered configs and ha.sh, a writer that counts a write
 * as acknowledged only when {@code WAIT <all replicas>} says every replica holds it, and rounds that
 * {@code kill -9} the master, a replica, a Sentinel, all Sentinels (new pods: no state), or stop the
 * master on purpose (preStop, then SIGTERM). Counts acknowledged writes lost and rounds that do not end
 * with exactly one master. Seeded: {@code -Drediskube.chaosSeed=N} replays a run, whose seed every
 * failure message names; {@code -Drediskube.chaosRounds=N} (default 30).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SentinelChaosTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final int REPLICAS = 2;

    enum Disruption { KILL_MASTER, KILL_REPLICA, KILL_SENTINEL, KILL_ALL_SENTINELS, PLANNED_FAILOVER }

    @TempDir
    Path dir;

    @Test
    void chaosRoundsLoseNoWriteAcknowledgedByEveryReplicaAndEndWithOneMaster() throws Exception {
        long seed = Long.getLong("rediskube.chaosSeed", System.nanoTime());
        int rounds = Integer.getInteger("rediskube.chaosRounds", 30);
        Random random = new Random(seed);
        List<Disruption> plan = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            plan.add(Disruption.values()[i % Disruption.values().length]);
        }
        Collections.shuffle(plan, random);
        System.out.println("chaos seed " + seed + " (-Drediskube.chaosSeed=" + seed + "), plan " + plan);

        RedisClient client = RedisClient.create();
        List<String> badRounds = new ArrayList<>();
        long started = System.nanoTime();
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir);
             Writer writer = new Writer(client, ha)) {
            ha.awaitOneMasterAllLinked(SETTLE);
            ha.awaitSentinelsKnowReplicas(REPLICAS, SETTLE);
            for (int round = 0; round < plan.size(); round++) {
                Disruption disruption = plan.get(round);
                int before = writer.acknowledged().size();
                try {
                    disrupt(ha, disruption, random);
                    ha.awaitOneMasterAllLinked(SETTLE);
                    writer.awaitMore(before, SETTLE);
                } catch (AssertionError notSettled) {
                    badRounds.add("round " + round + " " + disruption + ": " + firstLine(notSettled.getMessage()));
                }
                System.out.printf("round %d %s: %d acknowledged, masters %s%n", round, disruption,
                        writer.acknowledged().size(), ha.liveMasters());
            }
            writer.close();
            RedisNode master = ha.awaitOneMasterAllLinked(SETTLE);
            Set<String> acknowledged = writer.acknowledged();
            long lost = master.call(client, c -> acknowledged.stream().filter(k -> c.exists(k) == 0).count());
            long seconds = (System.nanoTime() - started) / 1_000_000_000;
            System.out.printf("chaos seed %d: %d rounds in %d s, %d writes acknowledged by every replica, %d lost,"
                    + " %d rounds not ending with one master%n", seed, plan.size(), seconds, acknowledged.size(),
                    lost, badRounds.size());
            assertThat(badRounds).as("rounds not ending with exactly one master, seed %d", seed).isEmpty();
            assertThat(lost).as("acknowledged writes lost, seed %d", seed).isZero();
            assertThat(acknowledged).as("acknowledged writes, seed %d", seed).hasSizeGreaterThan(plan.size() * 10);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void disrupt(SentinelTopology ha, Disruption disruption, Random random) {
        RedisNode master = ha.awaitOneMasterAllLinked(SETTLE);
        List<RedisNode> replicas = ha.redisNodes().stream().filter(n -> n != master).toList();
        switch (disruption) {
            case KILL_MASTER -> {
                master.kill();
                try {
                    ha.awaitMasterOtherThan(master, SETTLE);
                } finally {
                    master.start();   // as the kubelet restarts the container
                }
            }
            case KILL_REPLICA -> {
                RedisNode replica = replicas.get(random.nextInt(replicas.size()));
                replica.kill();
                replica.start();
            }
            case KILL_SENTINEL -> {
                RedisNode sentinel = ha.sentinels().get(random.nextInt(ha.sentinels().size()));
                sentinel.kill();
                sentinel.start();   // a container restart: its emptyDir, and so its state, is kept
            }
            case KILL_ALL_SENTINELS -> ha.restartSentinels();
            case PLANNED_FAILOVER -> {
                var preStop = ha.runScript(master, Map.of(), Duration.ofSeconds(30), "prestop");
                if (preStop.exitCode() != 0) {
                    throw new AssertionError("preStop failed: " + preStop.output());
                }
                master.stop();
                master.start();
            }
        }
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Writes to the master the Sentinels name; a write counts once WAIT says every replica holds it. */
    private static final class Writer implements AutoCloseable {
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(RedisClient client, SentinelTopology ha) {
            thread = new Thread(() -> {
                StatefulRedisConnection<String, String> connection = null;
                for (long n = 0; running.get(); n++) {
                    try {
                        if (connection == null) {
                            Optional<Integer> port = ha.masterPortFromSentinels();
                            if (port.isEmpty()) {
                                pause();
                                continue;
                            }
                            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port.get())
                                    .withPassword(ha.password().toCharArray()).withTimeout(Duration.ofSeconds(2))
                                    .build();
                            connection = client.connect(uri);
                        }
                        String key = "chaos:" + n;
                        connection.sync().set(key, "v");
                        if (connection.sync().waitForReplication(REPLICAS, 500) >= REPLICAS) {
                            acknowledged.add(key);
                        }
                    } catch (RuntimeException refusedOrGone) {
                        if (connection != null) {
                            connection.closeAsync();
                            connection = null;
                        }
                        pause();
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }, "chaos-writer");
            thread.start();
        }

        Set<String> acknowledged() {
            return Set.copyOf(acknowledged);
        }

        void awaitMore(int than, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acknowledged.size() <= than) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no write acknowledged by every replica within " + timeout);
                }
                pause();
            }
        }

        private static void pause() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
