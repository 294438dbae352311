package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology.ProbeResult;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
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
    void preStopOnTheMasterFailsOverBeforeItStops() {
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, BOUND));
            ha.awaitSentinelsKnowReplicas(2, BOUND);

            ProbeResult preStop = ha.runScript(master, Map.of(), Duration.ofSeconds(30), "prestop");

            assertThat(preStop.exitCode()).as(preStop.output()).isZero();
            assertThat(preStop.output()).contains("asked the Sentinel", "failed over: this pod is a replica now");
            assertThat(ha.currentMaster()).isNotSameAs(master);
            String role = master.call(client, c -> c.role().get(0).toString());
            assertThat(role).isEqualTo("slave");
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
            master.kill();   // down-after 60 s: the Sentinels go on naming it the master

            Path freshVolume = Files.createDirectories(dir.resolve("fresh/lost+found")).getParent();
            ProbeResult fresh = ha.runScript(master, Map.of("REDIS_DATA_DIR", freshVolume.toString()),
                    Duration.ofSeconds(3), "start");
            assertThat(fresh.exitCode()).as("still waiting at the bound: %s", fresh.output()).isEqualTo(-1);
            assertThat(fresh.output()).contains("never starting empty").doesNotContain("from its own data");

            Path ownVolume = Files.createDirectories(dir.resolve("own/lost+found")).getParent();
            Files.writeString(ownVolume.resolve("dump.rdb"), "REDIS0010");
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
                    "label pod orders-master-0 --overwrite redis-kube.github.io/role=replica");
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
