package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data plane: a password kept in an existing Secret, as {@code kubectl create secret --from-file} stores it
 * (with the file's trailing newline), reaches real redis-server processes through the rendered start and
 * probe scripts: one trailing newline is stripped everywhere, other control characters are refused.
 */
class SecretPasswordRedisTest {

    private static final String PASSWORD = "kept-in-a-file-0123456789";

    private static RedisClient client;

    @BeforeAll
    static void createClient() {
        client = RedisClient.create();
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static RedisReplicationSpec spec() {
        return RedisKube.replication("orders").replicas(1).auth(Auth.fromSecret("orders-pass", "password"))
                .resources(r -> r.memoryLimit("64Mi")).build();
    }

    @ParameterizedTest(name = "stored with {0}")
    @ValueSource(strings = {"LF", "CRLF"})
    void aSecretValueEndingInNewlineLinksTheReplicaAndPassesEveryProbe(String ending, @TempDir Path dir)
            throws Exception {
        String stored = PASSWORD + ("LF".equals(ending) ? "\n" : "\r\n");
        try (RedisTopology redis = RedisTopology.start(spec(), dir, stored)) {
            RedisNode master = redis.master();
            RedisNode replica = redis.replicas().get(0);

            assertThat(redis.password()).isEqualTo(PASSWORD);
            master.call(client, c -> c.set("order:1", "paid"));
            awaitValue(replica, "order:1", "paid");
            for (RedisNode node : List.of(master, replica)) {
                for (String kind : List.of("readiness", "liveness")) {
                    RedisTopology.ProbeResult probe = redis.probe(node, kind);
                    assertThat(probe.exitCode()).as(node + " " + kind + ": " + probe.output()).isZero();
                }
            }
            String info = replica.call(client, c -> c.info("replication"));
            assertThat(info).contains("master_link_status:up");
        }
    }

    @Test
    void anotherControlCharacterIsRefusedWithALogLineThatDoesNotPrintThePassword(@TempDir Path dir) {
        String stored = "kept-in\ta-file-0123456789";

        assertThatThrownBy(() -> RedisTopology.start(spec(), dir, stored))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("exited with 65")
                .hasMessageContaining("redis-kube: the password in the Secret (")
                .hasMessageContaining("/secret/password) is refused")
                .hasMessageContaining("--from-literal")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("kept-in", "a-file-0123456789"));
    }

    @Test
    void aNulByteInTheSecretFileIsRefusedNotSilentlyDropped(@TempDir Path dir) {
        String stored = "kept-in\u0000a-file-0123456789";   // the shell would drop the NUL and run another password

        assertThatThrownBy(() -> RedisTopology.start(spec(), dir, stored))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("exited with 65")
                .hasMessageContaining("is refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("kept-in", "a-file-0123456789"));
    }

    private static void awaitValue(RedisNode replica, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!value.equals(replica.call(client, c -> c.get(key)))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica never received " + key + "; its log:\n" + replica.log());
            }
            Thread.sleep(50);
        }
    }
}
