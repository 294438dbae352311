package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisSentinels;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sentinel mode as real containers (Debian's Redis 7.0.15 image): the rendered Redis and Sentinel pods,
 * ha.sh start/sentinel/prestop as the pods run them, a crash of the master container and a planned
 * failover through the pod's own preStop, with the Sentinel-aware split connection from the test JVM.
 */
class SentinelContainerTest {

    private static final Duration FAILOVER = Duration.ofSeconds(60);

    private RedisReplicationSpec spec;
    private PodmanCluster cluster;
    private RedisClient client;

    @BeforeEach
    void play() {
        Podman.require();
        TestImages images = TestImages.get();
        spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("256Mi"))
                .sentinel(s -> s.downAfter(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(5))
                        .labelerImage(images.kubectl()))
                .image(images.redis())
                .imagePullPolicy("Never")
                .build();
        client = RedisClient.create();
        cluster = PodmanCluster.play(spec.manifests(), PodmanCluster.Options.defaults());
        cluster.await("one master, both replicas linked, every Sentinel ready", FAILOVER,
                () -> redisPods().stream().filter(p -> role(p).equals("master")).count() == 1
                        && redisPods().stream().filter(p -> role(p).equals("slave")).allMatch(this::linked)
                        && sentinelPods().stream().allMatch(cluster::ready), this::roles);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledMasterContainerIsReplacedWritesResumeAndTheExMasterRejoinsAsAReplicaWithItsData() {
        String exMaster = currentMaster();
        try (StatefulRedisMasterReplicaConnection<String, String> split = connect();
             Writer writer = new Writer(split)) {
            writer.awaitAcked(50);
            cluster.kill(exMaster, "redis");
            cluster.await("a replica promoted", FAILOVER,
                    () -> redisPods().stream().anyMatch(p -> !p.equals(exMaster) && role(p).equals("master")), this::roles);
            String newMaster = currentMaster();
            long ackedAtPromotion = writer.acked();
            cluster.await("the split connection's writes resume on " + newMaster, FAILOVER,
                    () -> writer.acked() > ackedAtPromotion + 50, () -> "acked " + writer.acked() + ", " + roles());
            // podman restarts it by the pod's restartPolicy (Always) as the kubelet would; if it has not, do it
            String running = cluster.inspect(exMaster, "redis", "{{.State.Running}} restarts={{.RestartCount}}");
            System.out.println("container tier: killed " + exMaster + " redis container: running=" + running);
            if (!running.startsWith("true")) {
                cluster.restart(exMaster, "redis");
            }
            cluster.await(exMaster + " back as a replica of " + newMaster + ", linked", FAILOVER,
                    () -> role(exMaster).equals("slave") && linked(exMaster), this::roles);
            writer.close();
            String lastKey = writer.lastAckedKey();
            cluster.await(exMaster + " has the writes acknowledged after the failover", Duration.ofSeconds(20),
                    () -> lastKey.equals(onPod(exMaster, c -> c.get(lastKey) == null ? "" : lastKey)), this::roles);
            assertThat(onPod(exMaster, c -> String.valueOf(c.dbsize()))).as("keys on the rejoined ex-master")
                    .isEqualTo(onPod(newMaster, c -> String.valueOf(c.dbsize())));
        }
    }

    @Test
    void aPlannedFailoverThroughThePodsPreStopPromotesAReplicaBeforeTheMasterStopsAndWritesResume() {
        Set<String> missing = plannedFailover();
        System.out.printf("container tier: planned failover via preStop: %d acknowledged writes missing on the new "
                + "master%s%n", missing.size(), missing.isEmpty() ? "" : " " + missing);
    }

    /**
     * Fails with this branch's ha.sh: the Sentinels promote the new master before the old one is demoted, and
     * the old one acknowledges writes in between (measured here: 51 of 120920, key:210..260, and 889 in another
     * run; the ex-master's log shows its replicas gone at 05:22:30.666 and REPLICAOF only at 05:22:40.727). The fix (ha.sh
     * prestop pausing writes, CLIENT PAUSE WRITE, before asking for the failover) belongs to the HA
     * data-safety issue; enable this test with it.
     */
    @Test
    @org.junit.jupiter.api.Disabled("ha.sh prestop does not pause writes yet: acknowledged writes are lost (HA data-safety issue)")
    void aPlannedFailoverThroughThePodsPreStopLosesNoAcknowledgedWrite() {
        Set<String> missing = plannedFailover();
        assertThat(missing).as(missing.size() + " acknowledged writes missing on the new master: " + missing).isEmpty();
    }

    /** Deletes the master pod (its preStop fails over) under writes; @return the acknowledged keys the new master lacks. */
    private Set<String> plannedFailover() {
        String exMaster = currentMaster();
        try (StatefulRedisMasterReplicaConnection<String, String> split = connect();
             Writer writer = new Writer(split)) {
            writer.awaitAcked(50);
            PodmanCluster.Deletion deletion = cluster.delete(exMaster);
            System.out.printf("container tier: deletion of %s: preStop %s, stop after SIGTERM (ms) %s%n", exMaster,
                    deletion.hooks().get("redis"), deletion.stopMillis());
            Podman.Result hook = deletion.hooks().get("redis");
            assertThat(hook.exitCode()).as("preStop: " + hook).isZero();
            assertThat(hook.stdout()).as("preStop").contains("failed over: this pod is a replica now");
            String newMaster = currentMaster();
            assertThat(newMaster).isNotEqualTo(exMaster);
            long ackedAtStop = writer.acked();
            cluster.await("the split connection's writes resume on " + newMaster, FAILOVER,
                    () -> writer.acked() > ackedAtStop + 50, () -> "acked " + writer.acked() + ", " + roles());
            writer.close();
            Set<String> missing = new java.util.TreeSet<>();
            try (StatefulRedisConnection<String, String> master = client.connect(uri(newMaster))) {
                for (String key : writer.ackedKeys()) {
                    if (master.sync().get(key) == null) {
                        missing.add(key);
                    }
                }
            }
            return missing;
        }
    }

    private StatefulRedisMasterReplicaConnection<String, String> connect() {
        RedisSentinels sentinels = RedisSentinels.of(spec).toBuilder().addressMapper(cluster::map).build();
        return RedisKubeConnections.connect(client, sentinels);
    }

    private List<String> redisPods() {
        return cluster.pods().keySet().stream().filter(p -> !p.contains("-sentinel-")).toList();
    }

    private List<String> sentinelPods() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-sentinel-")).toList();
    }

    private String currentMaster() {
        return redisPods().stream().filter(p -> role(p).equals("master")).findFirst()
                .orElseThrow(() -> new AssertionError("no master: " + roles()));
    }

    private RedisURI uri(String pod) {
        return RedisURI.builder().withHost(cluster.pod(pod).ip()).withPort(6379)
                .withPassword(spec.auth().password().toCharArray()).withTimeout(Duration.ofSeconds(2)).build();
    }

    private String onPod(String pod, java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, String> call) {
        try (StatefulRedisConnection<String, String> connection = client.connect(uri(pod))) {
            return call.apply(connection.sync());
        } catch (RuntimeException e) {
            return "down";
        }
    }

    /** @return master, slave or down, from the server's own INFO replication */
    private String role(String pod) {
        String info = onPod(pod, c -> c.info("replication"));
        return info.contains("role:master") ? "master" : info.contains("role:slave") ? "slave" : "down";
    }

    private boolean linked(String pod) {
        return onPod(pod, c -> c.info("replication")).contains("master_link_status:up");
    }

    private String roles() {
        StringBuilder out = new StringBuilder();
        redisPods().forEach(p -> out.append(p).append('=').append(role(p)).append(' '));
        return out.toString();
    }

    /** Writes key:n = n through the split connection, one at a time, recording every acknowledged key. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong acked = new AtomicLong();
        private final Set<String> ackedKeys = ConcurrentHashMap.newKeySet();
        private volatile String lastAckedKey;
        private final Thread thread;

        Writer(StatefulRedisMasterReplicaConnection<String, String> connection) {
            thread = new Thread(() -> {
                long n = 0;
                while (running.get()) {
                    String key = "key:" + n++;
                    try {
                        if ("OK".equals(connection.sync().set(key, key))) {
                            ackedKeys.add(key);
                            lastAckedKey = key;
                            acked.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        sleep();
                    }
                }
            }, "split-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private static void sleep() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitAcked(long n) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.get() < n) {
                assertThat(System.nanoTime()).as("the split connection acknowledged " + acked.get() + " writes")
                        .isLessThan(deadline);
                sleep();
            }
        }

        long acked() {
            return acked.get();
        }

        String lastAckedKey() {
            return lastAckedKey;
        }

        Set<String> ackedKeys() {
            return Set.copyOf(ackedKeys);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
