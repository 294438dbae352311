package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisBinaries;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: the spec's reading of {@code redis.conf} values matches the real redis-server's. Values the spec
 * accepts (also multi-value directives and quotes) load in a server started from the rendered config; values it
 * refuses are refused by redis-server too (it would not start: the pod would crash-loop).
 */
class ConfigValuesRedisTest {

    private static RedisReplicationSpec.Builder spec() {
        return RedisKube.replication("orders").replicas(0)
                .passwordGenerator(PasswordGenerator.fixed("s3cret-Password-0123456789"))
                .master(n -> n.memoryLimit("64Mi"));
    }

    @Test
    void valuesTheSpecAcceptsLoadInARealServer(@TempDir Path dir) {
        RedisReplicationSpec spec = spec()
                .config("client-output-buffer-limit", "pubsub 32mb 8mb 60 replica 256mb 64mb 60")
                .config("oom-score-adj-values", "0 200 800")
                .config("latency-tracking-info-percentiles", "50 99.9")
                .config("shutdown-on-sigterm", "nosave now")
                .config("notify-keyspace-events", "\"\"")
                .config("hz", "'20'")
                .build();
        RedisClient client = RedisClient.create();
        try (RedisTopology redis = RedisTopology.start(spec, dir)) {
            Map<String, String> config = redis.master().call(client, c -> c.configGet("client-output-buffer-limit",
                    "oom-score-adj-values", "latency-tracking-info-percentiles", "shutdown-on-sigterm",
                    "notify-keyspace-events", "hz"));

            assertThat(config.get("client-output-buffer-limit"))   // the replica class, "slave" in Redis 7.0's words
                    .contains("268435456 67108864 60", "pubsub 33554432 8388608 60");
            assertThat(config).containsEntry("oom-score-adj-values", "0 200 800")
                    .containsEntry("latency-tracking-info-percentiles", "50 99.9")
                    .containsEntry("shutdown-on-sigterm", "nosave now")
                    .containsEntry("notify-keyspace-events", "")
                    .containsEntry("hz", "20");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void valuesTheSpecRefusesARealServerRefusesToo(@TempDir Path dir) throws Exception {
        Path server = RedisBinaries.requireDirectory().resolve("redis-server");
        List<List<String>> refused = List.of(
                List.of("hz", "20 replicaof evil 6379"),
                List.of("hz", "20 # fast"),
                List.of("hz", "2\u000b0"),
                List.of("hz", "\"20"),
                List.of("hz", "'20'x"),
                List.of("client-output-buffer-limit", "pubsub 32mb 8mb"),
                List.of("oom-score-adj-values", "0 200"),
                List.of("sentinel", "monitor m 10.0.0.1 6379 2"));
        for (List<String> line : refused) {
            Throwable byTheSpec = catchThrowable(() -> spec().config(line.get(0), line.get(1)).build());
            assertThat(byTheSpec).as("the spec refuses " + line).isInstanceOf(IllegalArgumentException.class);

            assertThat(redisServerOutput(server, dir, line.get(0) + " " + line.get(1)))
                    .as("redis-server refuses " + line).contains("FATAL CONFIG FILE ERROR");
        }
    }

    /** Starts redis-server on a file holding the line (no TCP port: it listens nowhere) and waits for it to exit. */
    private static String redisServerOutput(Path server, Path dir, String line) throws IOException,
            InterruptedException {
        Path conf = Files.writeString(dir.resolve("line.conf"), "port 0\nbind 127.0.0.1\ndir " + dir + "\n" + line
                + "\n", StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(server.toString(), conf.toString()).redirectErrorStream(true).start();
        try {
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            assertThat(exited).as("redis-server exits on a refused line: " + line).isTrue();
            assertThat(process.exitValue()).isNotZero();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }
}
