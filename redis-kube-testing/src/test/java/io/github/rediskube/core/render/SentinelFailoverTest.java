package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology.ProbeResult;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        writeKeys(master, 0, KEYS, replicasToAck);
    }

    /** Writes key:from .. key:(to - 1) and asserts that {@code replicasToAck} replicas acknowledged them. */
    private static void writeKeys(RedisNode master, int from, int to, int replicasToAck) {
        long acknowledged = master.call(client, c -> {
            for (int i = from; i < to; i++) {
                c.set("key:" + i, "value-" + i);
            }
            return c.waitForReplication(replicasToAck, 5000);
        });
        assertThat(acknowledged).as("replicas that acknowledged key:%d..key:%d", from, to - 1)
                .isGreaterThanOrEqualTo(replicasToAck);
    }

    /**
     * DBSIZE, asked again for up to 5 s when the connection is cut: a Sentinel that reconfigures a node
     * (SLAVEOF in a MULTI with CLIENT KILL TYPE normal) drops its clients, also one that just connected.
     */
    private static long keys(RedisNode node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return node.call(client, c -> c.dbsize());
            } catch (io.lettuce.core.RedisException cut) {
                if (System.nanoTime() > deadline) {
                    throw cut;
                }
                sleep(100);
            }
        }
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
            RedisNode promoted = failedOverFromPodZero(ha);

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

    /**
     * A CACHE set whose Redis containers all crash and restart together (a node OOM, a runtime restart) after a
     * failover, the Sentinels running on: every pod comes back empty (no persistence), and the set must end with
     * exactly one master the Sentinels name, taking writes, not with pods waiting on each other.
     */
    @Test
    void cacheRedisContainersRestartedTogetherAfterAFailoverEndWithOneMasterTheSentinelsName(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            failedOverFromPodZero(ha);
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);

            ha.redisNodes().forEach(RedisNode::kill);
            ha.redisNodes().forEach(RedisNode::launch);

            assertOneWritableMasterTheSentinelsName(ha);
        }
    }

    /**
     * A STORAGE set whose Redis containers all crash together (kill -9) once pod 0's volume is behind the promoted
     * pod's, and restart at once with their volumes and runtime directories: one master, every pod with every key.
     * The writes are given 2 s to reach the AOFs first (appendfsync everysec: a crash of every pod within a second
     * of a write may take it from every copy, as the README says).
     */
    @Test
    void storageRedisContainersCrashedTogetherComeBackWithEveryKey(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(storageSpec(), dir)) {
            podZeroBehind(ha);
            sleep(2000);

            ha.redisNodes().forEach(RedisNode::kill);
            ha.redisNodes().forEach(RedisNode::launch);

            RedisNode master;
            try {
                master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
                for (RedisNode node : ha.redisNodes()) {
                    assertThat(keys(node)).as("keys on %s (master %s)", node, master).isEqualTo(3 * KEYS);
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + ha.logs(), e);
            }
            assertThat(ha.masterPortFromSentinels()).contains(master.port());
        }
    }

    /** A CACHE set deleted and deployed again after a failover: new pods, new Sentinels, nothing kept. */
    @Test
    void cacheRedeployAfterAFailoverEndsWithOneMasterTheSentinelsName(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(spec(), dir)) {
            failedOverFromPodZero(ha);

            ha.redeploy(Duration.ofSeconds(30));

            assertOneWritableMasterTheSentinelsName(ha);
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
        try (SentinelTopology ha = SentinelTopology.start(storageSpec(), dir)) {
            podZeroBehind(ha);

            ha.redeploy(Duration.ofSeconds(60));         // delete, deploy again: volumes kept, all pods at once

            assertEveryPodHoldsEveryKey(ha, null);
        }
    }

    @Test
    void storageRedeployWhereTheNewestVolumeComesLastNeverPromotesAnOlderOne(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(storageSpec(), dir)) {
            RedisNode promoted = podZeroBehind(ha);
            RedisNode other = ha.redisNodes().stream().filter(n -> n != ha.redisNodes().get(0) && n != promoted)
                    .findFirst().orElseThrow();

            // the pods holding 600 keys come back only after the Sentinels saw their master down for down-after:
            // only pod 0, whose volume stops at 200 keys, answers as a replica then
            ha.redeployWithout(Duration.ofSeconds(60), List.of(promoted, other));
            awaitFailoverOutcome(ha, promoted);
            promoted.launch();
            other.launch();
            promoted.awaitPing(Duration.ofSeconds(60));
            other.awaitPing(Duration.ofSeconds(60));

            assertEveryPodHoldsEveryKey(ha, promoted);
            RedisNode podZero = ha.redisNodes().get(0);
            assertThat(podZero.log()).contains("replica-priority 0 (never promoted) until synced");
            awaitPromotable(podZero);                    // synced now: the Sentinels may promote it again
        }
    }

    @Test
    void storageRedeployAfterTheMastersVolumeIsLostPromotesAReplicaThatHoldsData(@TempDir Path dir) throws Exception {
        try (SentinelTopology ha = SentinelTopology.start(storageSpec(), dir)) {
            RedisNode promoted = podZeroBehind(ha);

            ha.redeployWithout(Duration.ofSeconds(60), List.of(promoted));
            try (var files = Files.walk(promoted.home().resolve("data"))) {   // its volume replaced by an empty one
                files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.endsWith("data"))
                        .forEach(f -> f.toFile().delete());
            }
            promoted.launch();
            promoted.awaitPing(Duration.ofSeconds(60));

            try {
                RedisNode master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
                assertThat(master).as("the pod that came back empty").isNotSameAs(promoted);
                long held = keys(master);   // which replica's volume is newest is unknown here: no count promised
                for (RedisNode node : ha.redisNodes()) {
                    assertThat(keys(node)).as("keys on %s (master %s)", node, master).isEqualTo(held);
                }
                assertThat(promoted.log()).contains("may be promoted again");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e + "\n" + ha.logs(), e);
            }
        }
    }

    @Test
    void rollingUpdateMovesOnOnlyOnceTheSentinelsMayPromoteTheRestartedReplica(@TempDir Path dir) {
        try (SentinelTopology ha = SentinelTopology.start(storageSpec().toBuilder().replicas(1).build(), dir)) {
            RedisNode master = ha.currentMaster();
            RedisNode replica = ha.redisNodes().get(1);
            ha.awaitLinked(replica, FAILOVER);
            ha.awaitSentinelsKnowReplicas(1, FAILOVER);
            writeKeys(master, 1);

            // a rolling update replaces the replica (restarted with data: held at replica-priority 0 until synced);
            // once it is ready, the master's pod goes next, and its preStop asks the Sentinels to fail over at once
            ha.recreate(replica, Duration.ofSeconds(11));   // over 10 s: the Sentinels read its INFO as soon as it is back
            awaitReady(ha, replica);
            List<String> seen = sentinelsSeePriority(ha, replica);
            ProbeResult preStop = ha.runScript(master, Map.of(), Duration.ofSeconds(30), "prestop");

            try {
                assertThat(replica.log()).contains("replica-priority 0 (never promoted) until synced");
                assertThat(seen).as("replica-priority of the ready replica as each Sentinel saw it")
                        .containsOnly("100").hasSize(3);
                assertThat(preStop.output()).contains("failed over: this pod is a replica of");
                assertThat(ha.sentinelLogs()).doesNotContain("-failover-abort-no-good-slave");
                RedisNode promoted = ha.awaitMasterOtherThan(master, FAILOVER);
                assertThat(promoted).isSameAs(replica);
                assertThat(keys(promoted)).isEqualTo(KEYS);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\npreStop: " + preStop.output() + "\n" + ha.logs(), e);
            }
        }
    }

    /** @return the replica-priority each Sentinel last read from {@code replica} (SENTINEL REPLICAS) */
    private static List<String> sentinelsSeePriority(SentinelTopology ha, RedisNode replica) {
        List<String> seen = new java.util.ArrayList<>();
        for (int port : ha.sentinelPorts()) {
            try (var sentinel = client.connectSentinel(io.lettuce.core.RedisURI.Builder
                    .sentinel("127.0.0.1", port, ha.masterName(), ha.password()).build())) {
                sentinel.sync().replicas(ha.masterName()).stream()
                        .filter(r -> String.valueOf(replica.port()).equals(r.get("port")))
                        .forEach(r -> seen.add(r.get("slave-priority")));
            }
        }
        return seen;
    }

    @Test
    void aStorageMasterKilledWhoseFilesMissAcknowledgedWritesFollowsTheReplicasThatHoldThem(@TempDir Path dir)
            throws Exception {
        RedisReplicationSpec spec = storageSpec().toBuilder()
                .sentinel(s -> s.downAfter(Duration.ofSeconds(5)).failoverTimeout(Duration.ofSeconds(5))).build();
        try (SentinelTopology ha = SentinelTopology.start(spec, dir)) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, FAILOVER));
            ha.awaitSentinelsKnowReplicas(2, FAILOVER);
            writeKeys(master, 0, 1, 2);
            sleep(1500);                                  // key:0 written and fsynced (appendfsync everysec)
            Path data = master.home().resolve("data");
            Path older = dir.resolve("older");
            copy(data, older);
            writeKeys(master, 1, KEYS, 2);                // acknowledged by both replicas (WAIT 2)

            // kill -9 while a slow fsync held the last writes back (Redis acknowledges them from its own buffer for
            // up to 2 s then): its files end at key:0 — seen here with a busy disk, 2 of ~2,000 keys kept
            master.kill();
            deleteContents(data);
            copy(older, data);
            int logged = master.log().length();
            master.launch();                              // back before down-after: the Sentinels still name it

            try {
                RedisNode now = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
                for (RedisNode node : ha.redisNodes()) {
                    assertThat(keys(node)).as("keys on %s (master %s)", node, now).isEqualTo(KEYS);
                }
                assertThat(now).as("a replica that held every acknowledged write").isNotSameAs(master);
                assertThat(master.log().substring(logged)).contains("kept its replication stream");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + ha.logs(), e);
            }
        }
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteContents(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(dir)).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void aSentinelLeftApartAtATieMonitorsTheMasterTheOthersNameOnceItsProbeRuns(@TempDir Path dir) throws Exception {
        try (SentinelTopology ha = SentinelTopology.start(storageSpec(), dir)) {
            RedisNode podZero = ha.currentMaster();
            RedisNode promoted = failedOverFromPodZero(ha);
            assertThat(ha.awaitOneMasterAllLinked(Duration.ofSeconds(30))).isSameAs(promoted);

            // the tie two overlapping failovers leave: one Sentinel names pod 0 (now a replica) at the epoch at which
            // the others name the promoted pod; its kept state (STORAGE) edited so, as the Sentinel itself writes it
            RedisNode apart = ha.sentinels().get(0);
            apart.stop();
            Path state = apart.home().resolve("data").resolve("sentinel.conf");
            String a = "127.0.0.1 " + podZero.port();
            String b = "127.0.0.1 " + promoted.port();
            Files.writeString(state, Files.readString(state).replace(a, "@").replace(b, a).replace("@", b));
            apart.launch();
            apart.awaitPing(FAILOVER);
            sleep(3000);   // hellos exchanged: they settle only a newer epoch
            assertThat(namedBy(apart)).as("the tie, before any probe").isEqualTo(podZero.port());
            assertThat(ha.masterPortFromSentinels()).contains(promoted.port());

            long deadline = System.nanoTime() + FAILOVER.toNanos();
            StringBuilder probes = new StringBuilder();
            while (namedBy(apart) != promoted.port() && System.nanoTime() < deadline) {
                ProbeResult probe = ha.runScript(apart, Map.of(), Duration.ofSeconds(10), "sentinel-probe");
                probes.append(probe.output()).append('\n');
                sleep(1000);      // the kubelet runs it every few seconds
            }
            try {
                assertThat(namedBy(apart)).as("the Sentinel that was apart names").isEqualTo(promoted.port());
                assertThat(probes).contains("healing a tie at epoch");
                ha.awaitSentinelsKnowReplicas(2, FAILOVER);
                assertThat(ha.awaitOneMasterAllLinked(Duration.ofSeconds(30))).isSameAs(promoted);
                for (RedisNode node : ha.redisNodes()) {
                    assertThat(keys(node)).as("keys on %s", node).isEqualTo(KEYS);
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nprobes: " + probes + "\n" + ha.logs(), e);
            }
        }
    }

    /** @return the master's port as one Sentinel names it ({@code get-master-addr-by-name}), -1 when it names none */
    private static int namedBy(RedisNode sentinel) {
        try (var connection = client.connectSentinel(sentinel.uri())) {
            java.net.SocketAddress address = connection.sync().getMasterAddrByName("orders");
            return address instanceof java.net.InetSocketAddress inet ? inet.getPort() : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Runs the readiness probe as the kubelet does (every second here) until it passes. */
    private static void awaitReady(SentinelTopology ha, RedisNode node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ProbeResult last;
        while ((last = ha.runScript(node, Map.of(), Duration.ofSeconds(5), "readiness")).exitCode() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + " not ready within 60 s: " + last.output() + "\n" + ha.logs());
            }
            sleep(1000);
        }
    }

    private static RedisReplicationSpec storageSpec() {
        return spec().toBuilder().storage(s -> s.size("1Gi")).build();
    }

    /**
     * 200 keys on every volume, then pod 0 killed, a replica promoted and 400 more keys written to it and
     * acknowledged by the other replica: 600 keys on two volumes, 200 on pod 0's.
     *
     * @return the promoted pod
     */
    private static RedisNode podZeroBehind(SentinelTopology ha) {
        RedisNode podZero = ha.currentMaster();
        RedisNode promoted = podZeroKilled(ha);
        ha.redisNodes().stream().filter(n -> n != podZero && n != promoted).forEach(r -> ha.awaitLinked(r, FAILOVER));
        writeKeys(promoted, KEYS, 3 * KEYS, 1);
        return promoted;
    }

    /**
     * 200 keys on every pod, then pod 0 (the master) killed, a replica promoted and pod 0 back as its replica.
     *
     * @return the promoted pod
     */
    private static RedisNode failedOverFromPodZero(SentinelTopology ha) {
        RedisNode podZero = ha.currentMaster();
        RedisNode promoted = podZeroKilled(ha);
        podZero.start();
        ha.awaitLinked(podZero, FAILOVER);
        return promoted;
    }

    /** 200 keys on every pod, then pod 0 (the master) killed; @return the replica the Sentinels promoted */
    private static RedisNode podZeroKilled(SentinelTopology ha) {
        RedisNode podZero = ha.currentMaster();
        ha.redisNodes().stream().filter(n -> n != podZero).forEach(r -> ha.awaitLinked(r, FAILOVER));
        ha.awaitSentinelsKnowReplicas(2, FAILOVER);
        writeKeys(podZero, 2);
        podZero.kill();
        return ha.awaitMasterOtherThan(podZero, FAILOVER);
    }

    /** Waits until the Sentinels, seeing {@code master} down, either promoted another pod or found none to promote. */
    private static void awaitFailoverOutcome(SentinelTopology ha, RedisNode master) {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (ha.masterPortFromSentinels().filter(p -> p != master.port()).isEmpty()
                && !ha.sentinelLogs().contains("-failover-abort-no-good-slave")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Sentinels neither failed over nor gave up within 45 s:" + ha.logs());
            }
            sleep(100);
        }
    }

    private static void awaitPromotable(RedisNode node) {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        String priority;
        while (!"100".equals(priority = node.call(client, c -> c.configGet("replica-priority").get("replica-priority")))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + " still has replica-priority " + priority + ":\n" + node.log());
            }
            sleep(100);
        }
    }

    /** Every pod holds all 600 keys under exactly one master ({@code expected}, when not null); logs on failure. */
    private static void assertEveryPodHoldsEveryKey(SentinelTopology ha, RedisNode expected) {
        try {
            RedisNode master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
            if (expected != null) {
                assertThat(master).as("the master: the pod with the newest data").isSameAs(expected);
            }
            for (RedisNode node : ha.redisNodes()) {
                assertThat(keys(node)).as("keys on %s (master %s)", node, master).isEqualTo(3 * KEYS);
            }
            assertThat(ha.sentinelLogs()).contains("restarting from this Sentinel's kept state");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + ha.logs(), e);
        }
    }

    private static void assertOneWritableMasterTheSentinelsName(SentinelTopology ha) {
        RedisNode master;
        try {
            master = ha.awaitOneMasterAllLinked(Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + ha.logs(), e);
        }
        assertThat(ha.liveMasters()).containsExactly(master);
        assertThat(ha.masterPortFromSentinels()).contains(master.port());
        String reply = master.call(client, c -> c.set("after", "restart"));
        assertThat(reply).isEqualTo("OK");
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
