package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology.ProbeResult;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: the rendered ha.sh hooks the kubelet runs in a Redis pod — preStop failover, the
 * role-recording readiness and the role labeler (with a stand-in kubectl that records its calls) —
 * against real redis-server and redis-sentinel processes.
 */
class SentinelScriptsTest {

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

    @Test
    void preStopHoldsWritesSoEveryAcknowledgedWriteIsOnTheNewMaster() throws Exception {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, BOUND));
            ha.awaitSentinelsKnowReplicas(2, BOUND);
            ContinuousWriter writer = new ContinuousWriter(client, master);
            writer.awaitAcknowledged(200, BOUND);

            long started = System.nanoTime();
            ProbeResult preStop = ha.runScript(master, Map.of(), Duration.ofSeconds(30), "prestop");
            long preStopMillis = (System.nanoTime() - started) / 1_000_000;
            writer.awaitRefusals(3, BOUND);
            writer.stop();

            RedisNode promoted = ha.awaitMasterOtherThan(master, BOUND);
            List<String> acknowledged = writer.acknowledged();
            long lost = promoted.call(client, c -> acknowledged.stream().filter(k -> c.exists(k) == 0).count());
            System.out.printf("preStop took %d ms; %d writes acknowledged by the old master, %d of them lost; "
                    + "after preStop: %s%n", preStopMillis, acknowledged.size(), lost, writer.lastRefusal());
            assertThat(lost).as("acknowledged writes missing on the new master %s", promoted).isZero();
            assertThat(preStop.exitCode()).as(preStop.output()).isZero();
            assertThat(preStop.output()).contains("writes refused, replicas hold offset", "asked the Sentinel",
                    "failed over: this pod is a replica of");
            String oldRole = master.call(client, c -> c.role().get(0).toString());
            assertThat(oldRole).isEqualTo("slave");
            assertThat(writer.lastRefusal()).as("writes after preStop are refused, not dropped").contains("READONLY");
            assertThat(preStopMillis).as("preStop well inside the 45 s grace period").isLessThan(10_000);
        }
    }

    /** One connection writing SET w:n as fast as it can, as a pooled client does; records what got OK. */
    private static final class ContinuousWriter {
        private final List<String> acknowledged = new CopyOnWriteArrayList<>();
        private final AtomicInteger refusals = new AtomicInteger();
        private final AtomicReference<String> lastRefusal = new AtomicReference<>("none");
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        ContinuousWriter(RedisClient client, RedisNode master) {
            StatefulRedisConnection<String, String> connection = client.connect(master.uri());
            connection.setTimeout(Duration.ofSeconds(30));
            thread = new Thread(() -> {
                try (connection) {
                    for (int n = 0; running.get(); n++) {
                        String key = "w:" + n;
                        try {
                            if ("OK".equals(connection.sync().set(key, "v"))) {
                                acknowledged.add(key);
                            }
                        } catch (RuntimeException refused) {
                            lastRefusal.set(String.valueOf(refused.getMessage()));
                            refusals.incrementAndGet();
                        }
                    }
                }
            }, "continuous-writer");
            thread.start();
        }

        void awaitAcknowledged(int count, Duration timeout) {
            await(() -> acknowledged.size() >= count, timeout, count + " acknowledged writes");
        }

        void awaitRefusals(int count, Duration timeout) {
            await(() -> refusals.get() >= count, timeout, count + " refused writes");
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        List<String> acknowledged() {
            return List.copyOf(acknowledged);
        }

        String lastRefusal() {
            return lastRefusal.get();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * A master the Sentinels neither name nor know (here: a replica turned master, then forgotten by a SENTINEL
     * RESET, as an ex-master that came back as master after they restarted) is not ready and steps down.
     */
    @Test
    void aMasterTheSentinelsNeitherNameNorKnowIsNotReadyAndStepsDownToTheirs() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            RedisNode stray = ha.redisNodes().get(1);
            ha.awaitLinked(stray, BOUND);
            ha.awaitLinked(ha.redisNodes().get(2), BOUND);
            stray.call(client, c -> c.replicaofNoOne());   // a second master, as after a missed failover
            for (RedisNode sentinel : ha.sentinels()) {
                try (var connection = client.connectSentinel(sentinel.uri())) {
                    connection.sync().reset(ha.masterName());   // they forget their replicas, the stray with them
                }
            }

            ProbeResult real = ha.runScript(master, Map.of(), BOUND, "readiness");
            ProbeResult strayReadiness = ha.runScript(stray, Map.of(), BOUND, "readiness");

            assertThat(real.exitCode()).as(real.output()).isZero();
            assertThat(strayReadiness.exitCode()).isEqualTo(1);
            assertThat(strayReadiness.output()).contains("the Sentinels name 127.0.0.1:" + master.port()
                    + " the master", "stepping down to its replica");
            ha.awaitLinked(stray, BOUND);
            assertThat(ha.liveMasters()).containsExactly(master);
        }
    }

    /**
     * A replica of the Sentinels' that answers as master while they still name the old one is what a failover of
     * theirs looks like for up to a second after SLAVEOF NO ONE, before the leader sees the promotion: it is not
     * ready, but must not step down — in the container tier that step-down undid the Sentinels' promotion twice
     * in a row, so the planned failover did not happen within preStop. A replica that turned master by itself is
     * theirs to turn back (+convert-to-slave), which they do.
     */
    @Test
    void aReplicaTheSentinelsKnowThatAnswersAsMasterIsNotReadyButLeftToThemNotSteppedDown() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            RedisNode promoted = ha.redisNodes().get(1);
            ha.awaitLinked(promoted, BOUND);
            ha.awaitLinked(ha.redisNodes().get(2), BOUND);
            ha.awaitSentinelsKnowReplicas(2, BOUND);
            promoted.call(client, c -> c.replicaofNoOne());   // what the failover's leader sends first

            ProbeResult readiness = ha.runScript(promoted, Map.of(), BOUND, "readiness");

            assertThat(readiness.exitCode()).isEqualTo(1);
            assertThat(readiness.output()).contains("the Sentinels name 127.0.0.1:" + master.port() + " the master",
                    "know this pod as their replica").doesNotContain("stepping down");
            String role = promoted.call(client, c -> c.role().get(0).toString());
            assertThat(role).as("right after readiness").isEqualTo("master");
            ha.awaitLinked(promoted, Duration.ofSeconds(40));   // the Sentinels' +convert-to-slave
            assertThat(ha.sentinelLogs()).contains("+convert-to-slave slave 127.0.0.1:" + promoted.port());
            assertThat(ha.liveMasters()).containsExactly(master);
        }
    }

    @Test
    void aStorageMasterRestartsFromItsOwnDataOnlyWhenItsVolumeHoldsRedisFiles() throws IOException {
        RedisReplicationSpec spec = SentinelFailoverTest.spec().toBuilder().storage(s -> s.size("1Gi"))
                .sentinel(s -> s.downAfter(Duration.ofSeconds(60))).build();
        try (SentinelTopology ha = SentinelTopology.start(spec, dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, BOUND));
            ha.awaitSentinelsKnowReplicas(2, BOUND);
            long acknowledged = master.call(client, c -> {
                c.set("k", "v");
                return c.waitForReplication(2, 5000);
            });
            assertThat(acknowledged).as("replicas holding a write of its stream").isEqualTo(2);
            master.kill();   // down-after 60 s: the Sentinels go on naming it the master

            Path freshVolume = Files.createDirectories(dir.resolve("fresh/lost+found")).getParent();
            ProbeResult fresh = ha.runScript(master, Map.of("REDIS_DATA_DIR", freshVolume.toString()),
                    Duration.ofSeconds(3), "start");
            assertThat(fresh.exitCode()).as("still waiting at the bound: %s", fresh.output()).isEqualTo(-1);
            assertThat(fresh.output()).contains("never starting empty").doesNotContain("from its own data");

            Path ownVolume = Files.createDirectories(dir.resolve("own/lost+found")).getParent();
            Files.writeString(ownVolume.resolve("dump.rdb"), "REDIS0010");
            ProbeResult streamed = ha.runScript(master, Map.of("REDIS_DATA_DIR", ownVolume.toString()),
                    Duration.ofSeconds(3), "start");
            assertThat(streamed.exitCode()).as("replicas kept its stream: still waiting: %s", streamed.output())
                    .isEqualTo(-1);
            assertThat(streamed.output()).contains("kept its replication stream").doesNotContain("from its own data");

            ha.redisNodes().stream().filter(n -> n != master).forEach(RedisNode::kill);   // no replica holds more
            ProbeResult own = ha.runScript(master, Map.of("REDIS_DATA_DIR", ownVolume.toString()),
                    Duration.ofSeconds(3), "start");
            assertThat(own.output()).contains("it restarts from its own data on disk");
        }
    }

    @Test
    void preStopOnAReplicaStopsAtOnce() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode replica = ha.redisNodes().get(1);

            ProbeResult preStop = ha.runScript(replica, Map.of(), Duration.ofSeconds(10), "prestop");

            assertThat(preStop.exitCode()).isZero();
            assertThat(preStop.output()).doesNotContain("asked the Sentinel");
        }
    }

    @Test
    void livenessFailsOnlyForAReplicaOrphanedFromTheSentinelsMaster() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            RedisNode replica = ha.redisNodes().get(1);
            ha.awaitLinked(replica, BOUND);
            assertThat(ha.runScript(replica, Map.of(), BOUND, "liveness").exitCode()).isZero();
            assertThat(ha.runScript(master, Map.of(), BOUND, "liveness").exitCode()).isZero();

            replica.call(client, c -> c.replicaof("127.0.0.1", 1)); // a master nobody runs, as after a missed failover
            ProbeResult orphaned = ha.runScript(replica, Map.of(), BOUND, "liveness");

            assertThat(orphaned.exitCode()).isEqualTo(1);
            assertThat(orphaned.output()).contains("follows 127.0.0.1:1, but the Sentinels name 127.0.0.1:"
                    + master.port() + " the master");
        }
    }

    @Test
    void readinessRecordsTheLiveRoleAndWaitsUntilThePodIsLabelledWithIt() throws IOException {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            RedisNode replica = ha.redisNodes().get(1);
            ha.awaitLinked(replica, BOUND);
            Path roleDir = Files.createDirectories(dir.resolve("role"));
            Map<String, String> env = Map.of("REDIS_ROLE_DIR", roleDir.toString());

            ProbeResult unlabelled = ha.runScript(master, env, BOUND, "readiness");
            assertThat(unlabelled.exitCode()).isEqualTo(1);
            assertThat(unlabelled.output()).contains("role label is 'none', the server is master");
            assertThat(Files.readString(roleDir.resolve("role"))).isEqualTo("master");

            Files.writeString(roleDir.resolve("labelled"), "master");
            assertThat(ha.runScript(master, env, BOUND, "readiness").exitCode()).isZero();

            ProbeResult stale = ha.runScript(replica, env, BOUND, "readiness");
            assertThat(stale.exitCode()).as("a replica still labelled master is not ready").isEqualTo(1);
            assertThat(Files.readString(roleDir.resolve("role"))).isEqualTo("replica");
        }
    }

    @Test
    void labelerPatchesThePodsRoleLabelAndAcknowledgesOnlyWhatItLabelled() throws IOException {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            Path roleDir = Files.createDirectories(dir.resolve("role"));
            Files.writeString(roleDir.resolve("role"), "replica");
            Path calls = dir.resolve("kubectl.calls");
            Path bin = fakeKubectl(dir.resolve("bin"), "echo \"$@\" >> " + calls + "\n");
            Map<String, String> env = Map.of("REDIS_ROLE_DIR", roleDir.toString(), "POD_NAME", "orders-master-0",
                    "PATH", bin + ":" + System.getenv("PATH"));

            ProbeResult labeler = ha.runScript(ha.redisNodes().get(0), env, Duration.ofSeconds(3), "label");

            assertThat(labeler.exitCode()).as("the labeler loops until the pod stops").isEqualTo(-1);
            assertThat(Files.readAllLines(calls)).containsExactly(
                    "label pod orders-master-0 --overwrite rediskube.github.io/role=replica");
            assertThat(Files.readString(roleDir.resolve("labelled"))).isEqualTo("replica");

            Files.delete(roleDir.resolve("labelled"));
            Path failing = fakeKubectl(dir.resolve("bin-failing"), "echo forbidden >&2\nexit 1\n");
            ProbeResult refused = ha.runScript(ha.redisNodes().get(0), Map.of("REDIS_ROLE_DIR", roleDir.toString(),
                    "POD_NAME", "orders-master-0", "PATH", failing + ":" + System.getenv("PATH")),
                    Duration.ofSeconds(3), "label");
            assertThat(refused.output()).contains("cannot label pod orders-master-0 role=replica");
            assertThat(roleDir.resolve("labelled")).doesNotExist();
        }
    }

    private static Path fakeKubectl(Path bin, String body) throws IOException {
        Files.createDirectories(bin);
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(kubectl, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
