package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: every Sentinel-mode container (Redis, Sentinel, role labeler) runs the rendered ha.sh as
 * PID 1 of a PID namespace of its own, as in a pod, where a signal without a handler is ignored; each
 * exits within a second of SIGTERM when it has nothing to hand over, waiting or running.
 */
class ContainerShutdownTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final long EXIT_MILLIS = 1000;
    private static RedisClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePidNamespaces() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "true").redirectErrorStream(true).start();
        boolean works = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        Assumptions.assumeTrue(works || io.github.rediskube.testing.RedisBinaries.required(),
                "unshare --pid (util-linux, root or user namespaces) is needed to run a script as PID 1");
        assertThat(works).as("unshare --pid --fork true works (util-linux, root or user namespaces)").isTrue();
        client = RedisClient.create();
    }

    @AfterAll
    static void shutdownClient() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void everyContainerExitsWithinASecondOfSigterm() throws Exception {
        Map<String, Long> exitMillis = new LinkedHashMap<>();
        try (SentinelTopology ha = SentinelTopology.start(SentinelFailoverTest.spec(), dir.resolve("ha"))) {
            RedisNode sentinel = ha.sentinels().get(0);
            RedisNode replica = ha.redisNodes().get(2);
            ha.awaitLinked(replica, BOUND);

            sentinel.kill();
            Process runningSentinel = ha.startAsContainer(sentinel, Map.of(), "sentinel");
            awaitPing(sentinel.uri(), runningSentinel);
            exitMillis.put("sentinel, running", terminate(runningSentinel));

            replica.kill();
            Process runningReplica = ha.startAsContainer(replica, Map.of(), "start");
            awaitPing(replica.uri(), runningReplica);
            exitMillis.put("redis replica, running", terminate(runningReplica));

            Path roleDir = Files.createDirectories(dir.resolve("role"));
            Files.writeString(roleDir.resolve("role"), "replica");
            Map<String, String> labelerEnv = Map.of("REDIS_ROLE_DIR", roleDir.toString(), "POD_NAME", "orders-replica-1",
                    "PATH", fakeKubectl(dir.resolve("bin")) + ":" + System.getenv("PATH"));
            Process labeler = ha.startAsContainer(replica, labelerEnv, "label");
            await(() -> Files.exists(roleDir.resolve("labelled")), "the labeler labelled the pod");
            exitMillis.put("role labeler, polling", terminate(labeler));

            ha.sentinels().forEach(RedisNode::kill);
            Path freshRuntime = Files.createDirectories(dir.resolve("fresh-redis-run"));
            Process waitingRedis = ha.startAsContainer(replica, Map.of("REDIS_RUNTIME_DIR", freshRuntime.toString()),
                    "start");
            Path redisLog = replica.home().resolve("container.log");
            await(() -> read(redisLog).contains("answers yet: waiting"), "ha.sh start waiting for the Sentinels");
            exitMillis.put("redis, waiting for the Sentinels", terminate(waitingRedis));

            ha.redisNodes().forEach(RedisNode::kill);
            Path freshSentinelRuntime = Files.createDirectories(dir.resolve("fresh-sentinel-run"));
            Process waitingSentinel = ha.startAsContainer(sentinel, Map.of("REDIS_RUNTIME_DIR",
                    freshSentinelRuntime.toString(), "REDIS_MASTER_HOST", "no-such-master.invalid"), "sentinel");
            Path sentinelLog = sentinel.home().resolve("container.log");
            await(() -> read(sentinelLog).contains("waiting until the master's name"),
                    "ha.sh sentinel waiting for the master's name: " + read(sentinelLog));
            exitMillis.put("sentinel, waiting for DNS", terminate(waitingSentinel));
        }
        System.out.println("exit after SIGTERM (ms): " + exitMillis);
        assertThat(exitMillis).as("ms from SIGTERM to exit").allSatisfy((container, millis) ->
                assertThat(millis).as(container).isLessThan(EXIT_MILLIS));
    }

    /** SIGTERM to the script, PID 1 of its namespace; returns ms until it exited (the bound's when it did not). */
    private static long terminate(Process container) throws InterruptedException {
        ProcessHandle pid1 = container.toHandle().children().findFirst()
                .orElseThrow(() -> new AssertionError("unshare has no child"));
        long started = System.nanoTime();
        pid1.destroy();   // SIGTERM
        boolean exited = container.waitFor(5, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (!exited) {
            container.destroyForcibly().waitFor();   // unshare --kill-child takes PID 1 with it
        }
        return millis;
    }

    private static void awaitPing(RedisURI uri, Process container) {
        await(() -> {
            if (!container.isAlive()) {
                throw new AssertionError("the container exited with " + container.exitValue());
            }
            try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                return "PONG".equals(c.sync().ping());
            } catch (RuntimeException notYet) {
                return false;
            }
        }, "PONG from " + uri);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + BOUND + ": " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Path fakeKubectl(Path bin) throws IOException {
        Files.createDirectories(bin);
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(kubectl, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
