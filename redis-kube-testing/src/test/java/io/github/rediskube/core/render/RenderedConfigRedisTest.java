package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: real redis-server processes run the redis.conf and start script the renderer produced
 * (only port, bind address and data directory substituted), and the servers' own answers show the
 * rendered settings.
 */
class RenderedConfigRedisTest {

    private static final String PASSWORD = "s3cret-Password-0123456789";

    private static RedisClient client;

    @BeforeAll
    static void createClient() {
        client = RedisClient.create();
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static RedisReplicationSpec.Builder spec() {
        return RedisKube.replication("orders")
                .passwordGenerator(PasswordGenerator.fixed(PASSWORD))
                .master(n -> n.memoryLimit("64Mi"));
    }

    @Test
    void cacheModeServerRunsWithRenderedMemoryEvictionPersistenceAndAuth(@TempDir Path dir) {
        RedisReplicationSpec spec = spec().replicas(0).config("hz", "20").build();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            Map<String, String> config = redis.master().call(client, c -> c.configGet(
                    "maxmemory", "maxmemory-policy", "appendonly", "save", "requirepass", "hz", "shutdown-timeout"));
            assertThat(config)
                    .containsEntry("maxmemory", String.valueOf(spec.maxmemoryBytes(io.github.rediskube.core.spec.Role.MASTER)))
                    .containsEntry("maxmemory", "50331648") // 75 % of 64Mi
                    .containsEntry("maxmemory-policy", "allkeys-lru")
                    .containsEntry("appendonly", "no")
                    .containsEntry("save", "")
                    .containsEntry("requirepass", PASSWORD)
                    .containsEntry("hz", "20")
                    .containsEntry("shutdown-timeout", "10");
        }
    }

    @Test
    void storageModeServerRunsWithAofEverySecAndRdbSnapshots(@TempDir Path dir) {
        RedisReplicationSpec spec = spec().replicas(0).storage("1Gi").build();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            Map<String, String> config = redis.master().call(client, c -> c.configGet(
                    "appendonly", "appendfsync", "save", "maxmemory-policy"));
            assertThat(config)
                    .containsEntry("appendonly", "yes")
                    .containsEntry("appendfsync", "everysec")
                    .containsEntry("save", "3600 1 300 100 60 10000")
                    .containsEntry("maxmemory-policy", "noeviction");
        }
    }

    @Test
    void serverRefusesClientsWithoutThePassword(@TempDir Path dir) {
        RedisReplicationSpec spec = spec().replicas(0).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            RedisURI noPassword = RedisURI.create("127.0.0.1", redis.master().port());
            assertThatThrownBy(() -> {
                try (var connection = client.connect(noPassword)) {
                    connection.sync().set("k", "v");
                }
            }).satisfiesAnyOf(
                    e -> assertThat(e).isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("NOAUTH"),
                    e -> assertThat(e).isInstanceOf(RedisConnectionException.class)
                            .hasStackTraceContaining("NOAUTH"));   // refused for the password, not for anything else
        }
    }

    @Test
    void replicaStartedFromRenderedReplicaConfigSyncsFromTheMasterWithAuth(@TempDir Path dir) throws Exception {
        RedisReplicationSpec spec = spec().replicas(1).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            RedisNode master = redis.master();
            RedisNode replica = redis.replicas().get(0);
            master.call(client, c -> c.set("order:1", "paid"));
            awaitReplicated(replica, "order:1", "paid");

            String info = replica.call(client, c -> c.info("replication"));
            assertThat(info).contains("role:slave", "master_link_status:up", "master_port:" + master.port());
            Map<String, String> readOnly = replica.call(client, c -> c.configGet("replica-read-only"));
            assertThat(readOnly).containsEntry("replica-read-only", "yes");
            assertThatThrownBy(() -> replica.call(client, c -> c.set("order:2", "x")))
                    .isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("READONLY");
            String masterInfo = master.call(client, c -> c.info("replication"));
            assertThat(masterInfo).contains("connected_slaves:1", "ip=127.0.0.1");
        }
    }

    @Test
    void probesReportReadinessAndReplicaLinkAsTheKubeletWouldSeeThem(@TempDir Path dir) throws Exception {
        RedisReplicationSpec spec = spec().replicas(1).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            RedisNode master = redis.master();
            RedisNode replica = redis.replicas().get(0);
            master.call(client, c -> c.set("probe", "1"));
            awaitReplicated(replica, "probe", "1");

            assertThat(redis.probe(master, "readiness").exitCode()).isZero();
            assertThat(redis.probe(master, "liveness").exitCode()).isZero();
            assertThat(redis.probe(replica, "readiness").exitCode()).isZero();

            master.kill();
            RedisTopology.ProbeResult unlinked = redis.probe(replica, "readiness");
            assertThat(unlinked.exitCode()).isNotZero();
            assertThat(unlinked.output()).contains("replica not linked to its master");
            assertThat(redis.probe(replica, "liveness").exitCode())
                    .as("a replica that lost its master is still alive").isZero();
            assertThat(redis.probe(master, "liveness").exitCode()).as("a dead server is not alive").isNotZero();
        }
    }

    private static void awaitReplicated(RedisNode replica, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!value.equals(replica.call(client, c -> c.get(key)))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica never received " + key + "; its log:\n" + replica.log());
            }
            Thread.sleep(50);
        }
    }
}
