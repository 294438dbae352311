package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RotatingPassword;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A live password rotation on the rendered pods run by podman: the store step changes the Secret and plays
 * each kubelet's refresh of the pods' mounted password file (a host directory written as the kubelet writes a
 * Secret volume) before it returns, as {@code RedisDeployment.storePassword} waits for it. The pods' own
 * readiness probes (run on their timing) keep passing after the old password is retired, a restarted container
 * starts with the new one from the file, no client command fails, and the old password is refused after.
 */
class PasswordRotationContainerTest {

    private static final String NEW = "rotated-password-0123456789abcdef";

    @Test
    void runningPodsStayReadyOnTheRotatedPasswordTheirFileHoldsAndRefuseTheOldOne() throws Exception {
        Podman.require();
        TestImages images = TestImages.get();
        RedisReplicationSpec spec = RedisKube.replication("orders").namespace("tenant-a").replicas(2)
                .master(n -> n.memoryLimit("256Mi")).image(images.redis()).imagePullPolicy("Never").build();
        String old = spec.auth().password();
        RedisClient client = RedisClient.create();
        try (PodmanCluster cluster = PodmanCluster.start(RedisKube.manifests(spec), PodmanCluster.Options.defaults())) {
            List<String> pods = List.copyOf(cluster.pods().keySet());
            cluster.await("every pod ready", Duration.ofSeconds(90), () -> pods.stream().allMatch(cluster::ready),
                    () -> "pods " + pods);
            RedisEndpoints endpoints = RedisEndpoints.of(spec).toBuilder().credentials(RotatingPassword.of(old))
                    .addressMapper(cluster::map).topologyRefresh(Duration.ofSeconds(1)).build();
            RedisPods before = new RedisPods(cluster, client, old);
            RedisPods after = before.withPassword(NEW);
            before.awaitLinked(pods, Duration.ofSeconds(60));

            long rotated;
            try (StatefulRedisMasterReplicaConnection<String, String> redis = RedisKubeConnections.connect(client, endpoints);
                 Writer writer = new Writer(redis)) {
                writer.awaitOps(200);
                RedisKubeConnections.rotatePassword(client, endpoints, NEW, stored -> cluster.refreshSecret(
                        RedisManifests.secretName(spec), RedisManifests.secretKey(spec), stored, pods));
                rotated = System.currentTimeMillis();
                writer.awaitOps(writer.ops() + 200);
                writer.stopAndAssertNoFailure();
            }

            // every pod's readiness probe runs twice more after the old password is retired, and passes each time
            cluster.await("two readiness runs of every pod after the rotation", Duration.ofSeconds(60),
                    () -> readinessRunsAfter(cluster, pods, rotated).stream().allMatch(runs -> runs.size() >= 2),
                    () -> "");
            for (String pod : pods) {
                assertThat(cluster.ready(pod)).as(pod + " Ready").isTrue();
            }
            assertThat(readinessRunsAfter(cluster, pods, rotated)).allSatisfy(runs ->
                    assertThat(runs).as("readiness runs after the old password was retired").allSatisfy(run ->
                            assertThat(run.exitCode()).as(run.output()).isZero()));
            for (String pod : pods) {
                assertThat(before.authenticate(pod)).as(pod + " with the old password").contains("WRONGPASS");
                assertThat(after.authenticate(pod)).as(pod + " with the new one").isEqualTo("PONG");
            }

            // a container restarted now starts with the password its file holds, and links again
            String replica = pods.stream().filter(p -> p.contains("-replica-")).findFirst().orElseThrow();
            cluster.kill(replica, "redis");
            cluster.restart(replica, "redis");
            cluster.await(replica + " ready again", Duration.ofSeconds(60), () -> cluster.ready(replica), () -> "");
            after.awaitLinked(List.of(replica), Duration.ofSeconds(60));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static List<List<Prober.Run>> readinessRunsAfter(PodmanCluster cluster, List<String> pods, long since) {
        List<List<Prober.Run>> all = new ArrayList<>();
        for (String pod : pods) {
            for (Prober prober : cluster.probers(pod)) {
                if (prober.kind().equals("readiness")) {
                    all.add(prober.runs().stream().filter(r -> r.atMillis() > since).toList());
                }
            }
        }
        return all;
    }

    /** Writes and reads through the split connection in a thread, recording every failed command. */
    private static final class Writer implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ops = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Writer(StatefulRedisMasterReplicaConnection<String, String> redis) {
            thread = new Thread(() -> {
                for (long i = 0; running.get(); i++) {
                    try {
                        redis.sync().set("k" + (i % 100), "v" + i);
                        redis.sync().get("k" + (i % 100));
                        ops.addAndGet(2);
                    } catch (RuntimeException e) {
                        failures.add(i + ": " + e);
                    }
                }
            }, "rotation-writer");
            thread.setDaemon(true);
            thread.start();
        }

        long ops() {
            return ops.get();
        }

        void awaitOps(long count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ops.get() < count && failures.isEmpty()) {
                assertThat(System.nanoTime()).as(count + " commands within 60 s (" + ops.get() + ")").isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void stopAndAssertNoFailure() throws InterruptedException {
            running.set(false);
            thread.join(20_000);
            assertThat(failures).as("failed commands during and after the rotation (of %d)", ops.get()).isEmpty();
            System.out.printf("container tier: rotation under traffic: %d commands, %d failed%n", ops.get(), failures.size());
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(20_000);
        }
    }
}
