package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a running set (plain master + 2 replicas; master + 2 replicas + 3 Sentinels running ha.sh) moves
 * to a new password while a client keeps writing and reading through the split connection: no command fails,
 * and afterwards the old password is refused by every server and Sentinel.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PasswordRotationTest {

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
    void aPlainSetRotatesWithoutAFailedCommandAndRefusesTheOldPasswordAfter() throws Exception {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(2)
                .master(n -> n.memoryLimit("64Mi")).config("repl-diskless-sync-delay", "0").build();
        try (RedisTopology set = RedisTopology.start(spec, tempDir)) {
            String old = set.password();
            RotatingPassword password = RotatingPassword.of(old);
            RedisEndpoints.Builder builder = RedisEndpoints.builder().master("127.0.0.1", set.master().port())
                    .credentials(password).topologyRefresh(Duration.ofMillis(500)).timeout(Duration.ofSeconds(5));
            set.replicas().forEach(r -> builder.replica("127.0.0.1", r.port()));
            RedisEndpoints endpoints = builder.build();
            set.replicas().forEach(r -> awaitLinked(r));
            AtomicReference<String> stored = new AtomicReference<>();

            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, endpoints);
                 Traffic traffic = new Traffic(redis)) {
                traffic.awaitOps(200);
                long beforeRotation = traffic.ops();
                long started = System.nanoTime();
                RedisKubeConnections.rotatePassword(client, endpoints, NEW, stored::set);
                System.out.printf("rotation took %d ms, %d commands ran during it%n",
                        (System.nanoTime() - started) / 1_000_000, traffic.ops() - beforeRotation);
                set.master().secretPassword(NEW);
                set.replicas().forEach(r -> r.secretPassword(NEW));
                // replication follows: links cut after the rotation come back with the new masterauth
                set.master().call(client, c -> c.clientKill(io.lettuce.core.KillArgs.Builder.typeSlave()));
                set.replicas().forEach(r -> awaitLinked(r));
                long afterRotation = traffic.ops();
                traffic.awaitOps(afterRotation + 200);
                traffic.stopAndAssertNoFailure();

                // a replica restarted after the rotation reads the stored password, links, and the split connection
                // reconnects to it with the new password and reads from it again
                RedisNode restarted = set.replicas().get(0);
                restarted.stop();
                restarted.start();   // with the stored password, as a restarted pod reads the Secret
                awaitLinked(restarted);
                awaitReadsServedBy(redis, restarted);
            }

            assertThat(stored.get()).isEqualTo(NEW);
            List<RedisNode> all = new ArrayList<>(set.replicas());
            all.add(set.master());
            for (RedisNode node : all) {
                assertRefused(node.port(), old);
                assertAccepted(node.port(), NEW);
            }
            // a connection opened after the rotation authenticates with the new password
            try (var fresh = RedisKubeConnections.connect(client, endpoints)) {
                assertThat(fresh.sync().set("fresh", "1")).isEqualTo("OK");
            }
            // the pods' probes read the refreshed password file (PodScriptsAfterRotationTest covers a stale one)
            assertThat(set.probe(set.master(), "readiness").exitCode()).isZero();
        }
    }

    @Test
    void aReplicaRestartedMidRotationWithTheOldPasswordEndsOnTheNewOneOnlyAndLinked() throws Exception {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(2)
                .master(n -> n.memoryLimit("64Mi")).config("repl-diskless-sync-delay", "0").build();
        try (RedisTopology set = RedisTopology.start(spec, tempDir)) {
            String old = set.password();
            RedisEndpoints.Builder builder = RedisEndpoints.builder().master("127.0.0.1", set.master().port())
                    .credentials(RotatingPassword.of(old)).topologyRefresh(Duration.ofMillis(500))
                    .timeout(Duration.ofSeconds(5));
            set.replicas().forEach(r -> builder.replica("127.0.0.1", r.port()));
            RedisEndpoints endpoints = builder.build();
            set.replicas().forEach(r -> awaitLinked(r));
            RedisNode restarted = set.replicas().get(0);

            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, endpoints)) {
                // the pod restarts just before the Secret changes: it comes up with the old password only
                RedisKubeConnections.rotatePassword(client, endpoints, NEW, stored -> {
                    restarted.stop();
                    restarted.start();
                });
                set.master().secretPassword(NEW);
                set.replicas().forEach(r -> r.secretPassword(NEW));

                assertRefused(restarted.port(), old);
                assertAccepted(restarted.port(), NEW);
                awaitLinked(restarted);
                awaitReadsServedBy(redis, restarted);
            }
        }
    }

    @Test
    void aSentinelSetRotatesWithoutAFailedCommandAndRefusesTheOldPasswordOnEveryServerAndSentinel() throws Exception {
        RedisReplicationSpec spec = SentinelConnectionTest.spec(0);
        try (SentinelTopology ha = SentinelConnectionTest.started(spec, tempDir)) {
            String old = ha.password();
            RotatingPassword password = RotatingPassword.of(old);
            RedisSentinels.Builder builder = RedisSentinels.builder(ha.masterName()).credentials(password)
                    .timeout(Duration.ofSeconds(5)).topologyRefresh(Duration.ofSeconds(1));
            ha.sentinelPorts().forEach(port -> builder.sentinel("127.0.0.1", port));
            RedisSentinels sentinels = builder.build();
            AtomicReference<String> stored = new AtomicReference<>();

            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, sentinels);
                 Traffic traffic = new Traffic(redis)) {
                traffic.awaitOps(200);
                long beforeRotation = traffic.ops();
                long started = System.nanoTime();
                RedisKubeConnections.rotatePassword(client, sentinels, NEW, stored::set);
                System.out.printf("rotation took %d ms, %d commands ran during it%n",
                        (System.nanoTime() - started) / 1_000_000, traffic.ops() - beforeRotation);
                ha.redisNodes().forEach(n -> n.secretPassword(stored.get()));
                ha.sentinels().forEach(n -> n.secretPassword(stored.get()));
                List<Integer> logged = ha.sentinelLogMark();
                // Sentinel auth follows: links to the servers and between Sentinels, cut after the rotation,
                // come back with the new auth-pass and sentinel-pass
                ha.redisNodes().forEach(this::killSentinelLinks);
                ha.sentinels().forEach(this::killSentinelLinks);
                awaitSentinelLinksBack(ha);
                assertThat(ha.sentinelLogsSince(logged)).as("no Sentinel saw a server down after the rotation")
                        .doesNotContain("+sdown");
                long afterRotation = traffic.ops();
                traffic.awaitOps(afterRotation + 200);
                traffic.stopAndAssertNoFailure();

                // a replica and a Sentinel restarted after the rotation start with the stored password and rejoin
                RedisNode master = ha.currentMaster();
                RedisNode restarted = ha.redisNodes().stream().filter(n -> n != master).findFirst().orElseThrow();
                restarted.stop();
                restarted.start();
                ha.awaitLinked(restarted, BOUND);
                awaitReadsServedBy(redis, restarted);
                RedisNode sentinel = ha.sentinels().get(0);
                sentinel.stop();
                sentinel.start();
            }

            for (RedisNode node : ha.redisNodes()) {
                assertRefused(node.port(), old);
                assertAccepted(node.port(), NEW);
            }
            for (RedisNode sentinel : ha.sentinels()) {
                assertRefused(sentinel.port(), old);
                assertAccepted(sentinel.port(), NEW);
            }
            // the Sentinels still reach the servers and each other with the new password
            ha.awaitSentinelsKnowReplicas(spec.replicas(), BOUND);
            awaitQuorum(ha);
            try (var fresh = RedisKubeConnections.connect(client, sentinels)) {
                assertThat(fresh.sync().set("fresh", "1")).isEqualTo("OK");
            }
        }
    }

    @Test
    void rotationRefusesAPasswordBreakingTheRuleBeforeAnyCommand() {
        RedisEndpoints endpoints = RedisEndpoints.builder().master("127.0.0.1", 1)
                .credentials(RotatingPassword.of("old-password-0123456789")).build();
        assertThatThrownBy(() -> RedisKubeConnections.rotatePassword(client, endpoints, "with space 0123456789",
                p -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("newPassword " + io.github.rediskube.core.spec.Auth.PASSWORD_RULE
                        + ", was <21 characters>: use PasswordGenerator.secureRandom().generate()");
    }

    @Test
    void rotationRefusesEndpointsWithAFixedPasswordBeforeAnyCommand() {
        RedisEndpoints fixed = RedisEndpoints.builder().master("127.0.0.1", 1).password("secret").build();
        assertThatThrownBy(() -> RedisKubeConnections.rotatePassword(client, fixed, NEW, p -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints.credentials must be a RotatingPassword")
                .hasMessageContaining("credentials(RotatingPassword.of(password))");
    }

    private void awaitLinked(RedisNode replica) {
        await(() -> replica.call(client, c -> c.info("replication")).contains("master_link_status:up"),
                replica + " linked to its master");
    }

    private void awaitReadsServedBy(StatefulRedisMasterReplicaConnection<String, String> redis, RedisNode node) {
        long before = node.commandCalls(client, "get");
        await(() -> {
            for (int i = 0; i < 20; i++) {
                redis.sync().get("probe");
            }
            return node.commandCalls(client, "get") > before;
        }, "the split connection reads from the restarted " + node);
    }

    private void awaitQuorum(SentinelTopology ha) {
        for (RedisNode sentinel : ha.sentinels()) {
            await(() -> {
                try (StatefulRedisConnection<String, String> c = client.connect(sentinel.uri())) {
                    return c.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                            new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                            new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                    .add("CKQUORUM").add(ha.masterName())).startsWith("OK");
                } catch (RuntimeException notYet) {
                    return false;
                }
            }, sentinel + " reaching a quorum");
        }
    }

    /** Closes every connection a Sentinel holds on this server (Sentinels name theirs sentinel-<id>-cmd|pubsub). */
    private void killSentinelLinks(RedisNode node) {
        node.call(client, c -> {
            for (String line : c.clientList().split("\n")) {
                if (line.contains(" name=sentinel-")) {
                    String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                    c.clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
                }
            }
            return null;
        });
    }

    /** Every Sentinel's links to the master are back and answering (an auth failure would leave PINGs unanswered). */
    private void awaitSentinelLinksBack(SentinelTopology ha) {
        RedisNode master = ha.currentMaster();
        await(() -> master.call(client, c -> c.clientList()).lines().filter(l -> l.contains(" name=sentinel-")
                && l.contains("-cmd ")).count() >= ha.sentinels().size(), "every Sentinel reconnected to the master");
        for (RedisNode sentinel : ha.sentinels()) {
            await(() -> {
                try (StatefulRedisConnection<String, String> c = client.connect(sentinel.uri())) {
                    java.util.Map<String, String> m = c.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                            new io.lettuce.core.output.MapOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                            new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                    .add("MASTER").add(ha.masterName()));
                    return "master".equals(m.get("flags")) && Long.parseLong(m.get("last-ok-ping-reply")) < 500
                            && Long.parseLong(m.get("link-pending-commands")) == 0;
                }
            }, sentinel + " pinging the master successfully");
        }
    }

    /** AUTH with the password is refused (WRONGPASS); a connection closed for another reason is tried again. */
    private void assertRefused(int port, String password) {
        assertThat(RedisNode.authenticate(client, uri(port, password)))
                .as("127.0.0.1:" + port + " refusing the old password with WRONGPASS").contains("WRONGPASS");
    }

    private void assertAccepted(int port, String password) {
        try (StatefulRedisConnection<String, String> c = client.connect(uri(port, password))) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        }
    }

    private static RedisURI uri(int port, String password) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray())
                .withTimeout(Duration.ofSeconds(5)).build();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // retried until the bound
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("not within " + BOUND + ": " + what);
    }
}
