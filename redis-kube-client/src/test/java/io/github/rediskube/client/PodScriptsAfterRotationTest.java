package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: after a live rotation has retired the old password, the pods' own scripts — the rendered
 * {@code probe.sh} (plain) and {@code ha.sh} (Sentinel: readiness, liveness, sentinel-probe, start) run on real
 * servers with each pod's Secret volume as a file — still pass, because they read the password from that file
 * at each run and the store step returns once every pod's file holds the new one (as
 * {@code RedisDeployment.storePassword} waits for the kubelets). A pod whose file still holds the old
 * password fails readiness, saying why, until its file is refreshed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PodScriptsAfterRotationTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String NEW = "rotated-password-0123456789abcdef";

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
    void aPlainSetsProbesStillPassOnceTheOldPasswordIsRetiredAndEveryPodsFileHoldsTheNewOne() throws Exception {
        try (RedisTopology set = RedisTopology.start(plainSpec(), tempDir)) {
            List<RedisNode> pods = new ArrayList<>(set.replicas());
            pods.add(0, set.master());
            String old = set.password();
            RedisEndpoints endpoints = endpoints(set, old);

            rotateUnderTraffic(endpoints, stored -> pods.forEach(p -> p.secretPassword(stored)));

            for (RedisNode pod : pods) {
                assertRefused(pod.port(), old);
                for (String kind : List.of("readiness", "liveness")) {
                    RedisTopology.ProbeResult probe = set.probe(pod, kind);
                    assertThat(probe.exitCode()).as("%s %s after the old password is retired: %s", pod, kind,
                            probe.output()).isZero();
                }
            }
        }
    }

    @Test
    void aPodWhoseFileStillHoldsTheOldPasswordFailsReadinessSayingWhyUntilItsFileIsRefreshed() throws Exception {
        try (RedisTopology set = RedisTopology.start(plainSpec(), tempDir)) {
            RedisNode stale = set.replicas().get(0);
            List<RedisNode> refreshed = new ArrayList<>(set.replicas());
            refreshed.remove(stale);
            refreshed.add(set.master());
            RedisEndpoints endpoints = endpoints(set, set.password());

            // a store that returns before one kubelet refreshed its pod's file (a refresh bound too short)
            rotateUnderTraffic(endpoints, stored -> refreshed.forEach(p -> p.secretPassword(stored)));

            RedisTopology.ProbeResult readiness = set.probe(stale, "readiness");
            assertThat(readiness.exitCode()).as(readiness.output()).isEqualTo(1);
            assertThat(readiness.output()).contains("not ready").containsAnyOf("WRONGPASS", "NOAUTH");
            assertThat(set.probe(stale, "liveness").exitCode()).as("alive: it still answers").isZero();

            stale.secretPassword(NEW);   // the kubelet catches up
            RedisTopology.ProbeResult after = set.probe(stale, "readiness");
            assertThat(after.exitCode()).as(after.output()).isZero();
        }
    }

    @Test
    void aSentinelSetsHaScriptsStillPassOnceTheOldPasswordIsRetiredAndEveryPodsFileHoldsTheNewOne() throws Exception {
        RedisReplicationSpec spec = SentinelConnectionTest.spec(0);
        try (SentinelTopology ha = SentinelConnectionTest.started(spec, tempDir)) {
            String old = ha.password();
            RotatingPassword password = RotatingPassword.of(old);
            RedisSentinels.Builder builder = RedisSentinels.builder(ha.masterName()).credentials(password)
                    .timeout(Duration.ofSeconds(5)).topologyRefresh(Duration.ofSeconds(1));
            ha.sentinelPorts().forEach(port -> builder.sentinel("127.0.0.1", port));
            RedisSentinels sentinels = builder.build();
            RedisNode stale = ha.redisNodes().stream().filter(n -> n != ha.currentMaster()).findFirst().orElseThrow();

            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, sentinels);
                 Traffic traffic = new Traffic(redis)) {
                traffic.awaitOps(200);
                RedisKubeConnections.rotatePassword(client, sentinels, NEW, stored -> {
                    ha.redisNodes().stream().filter(n -> n != stale).forEach(n -> n.secretPassword(stored));
                    ha.sentinels().forEach(n -> n.secretPassword(stored));
                });
                traffic.awaitOps(traffic.ops() + 200);
                traffic.stopAndAssertNoFailure();
            }

            for (RedisNode node : ha.redisNodes()) {
                assertRefused(node.port(), old);
                if (node != stale) {
                    assertScript(ha, node, 0, "readiness");
                    assertScript(ha, node, 0, "liveness");
                }
            }
            for (RedisNode sentinel : ha.sentinels()) {
                assertRefused(sentinel.port(), old);
                assertScript(ha, sentinel, 0, "sentinel-probe");
            }
            RedisTopology.ProbeResult notReady = ha.runScript(stale, Map.of(), BOUND, "readiness");
            assertThat(notReady.exitCode()).as("a pod whose file still holds the old password: %s", notReady.output())
                    .isEqualTo(1);
            assertThat(notReady.output()).startsWith("not ready").contains("WRONGPASS");

            stale.secretPassword(NEW);   // the kubelet catches up
            assertScript(ha, stale, 0, "readiness");
            // ha.sh start asks the Sentinels (which refuse the old password now) before it starts the server
            stale.stop();
            stale.start();
            ha.awaitLinked(stale, BOUND);
            assertScript(ha, stale, 0, "readiness");
        }
    }

    private static RedisReplicationSpec plainSpec() {
        return RedisKube.replication("orders").replicas(2).master(n -> n.memoryLimit("64Mi"))
                .config("repl-diskless-sync-delay", "0").build();
    }

    private RedisEndpoints endpoints(RedisTopology set, String password) {
        RedisEndpoints.Builder builder = RedisEndpoints.builder().master("127.0.0.1", set.master().port())
                .credentials(RotatingPassword.of(password)).topologyRefresh(Duration.ofMillis(500))
                .timeout(Duration.ofSeconds(5));
        set.replicas().forEach(r -> builder.replica("127.0.0.1", r.port()));
        return builder.build();
    }

    /** Rotates to {@link #NEW} while a client writes and reads through the split connection: no command fails. */
    private void rotateUnderTraffic(RedisEndpoints endpoints, Consumer<String> store) throws Exception {
        try (StatefulRedisMasterReplicaConnection<String, String> redis = RedisKubeConnections.connect(client, endpoints);
             Traffic traffic = new Traffic(redis)) {
            traffic.awaitOps(200);
            RedisKubeConnections.rotatePassword(client, endpoints, NEW, store);
            traffic.awaitOps(traffic.ops() + 200);
            traffic.stopAndAssertNoFailure();
        }
    }

    private static void assertScript(SentinelTopology ha, RedisNode node, int exitCode, String command) {
        RedisTopology.ProbeResult result = ha.runScript(node, Map.of(), BOUND, command);
        assertThat(result.exitCode()).as("ha.sh %s on %s after the old password is retired: %s", command, node,
                result.output()).isEqualTo(exitCode);
    }

    private void assertRefused(int port, String password) {
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray())
                .withTimeout(Duration.ofSeconds(5)).build();
        assertThat(RedisNode.authenticate(client, uri)).as("127.0.0.1:" + port + " refuses the old password")
                .contains("WRONGPASS");
    }
}
