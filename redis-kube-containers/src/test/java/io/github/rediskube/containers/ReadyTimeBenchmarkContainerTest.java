package io.github.rediskube.containers;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The closest figure to "deployed in seconds" measurable without a cluster: from {@code podman kube play}
 * of the classic scenario's rendered pods (image present) to every pod ready by its own readiness probe
 * and every replica linked, for the spec as the walkthrough has it and with
 * {@code repl-diskless-sync-delay 0} (Redis' default waits 5 s for more replicas before a diskless
 * transfer). Opt-in, it plays six clusters: {@code -Drediskube.containerBenchmark=true}; docs/BENCHMARKS.md
 * has the command and the numbers. Redis is Debian's 7.0.15 (the test image).
 */
class ReadyTimeBenchmarkContainerTest {

    @Test
    void kubePlayToEveryPodReadyAndEveryReplicaLinked() {
        Assumptions.assumeTrue(Boolean.getBoolean("rediskube.containerBenchmark"),
                "opt-in benchmark: -Drediskube.containerBenchmark=true");
        Podman.require();
        TestImages images = TestImages.get();
        int runs = Integer.getInteger("rediskube.containerBenchmark.runs", 3);
        measure("classic scenario as the walkthrough has it", images, runs, b -> b);
        measure("classic scenario, repl-diskless-sync-delay 0", images, runs,
                b -> b.config("repl-diskless-sync-delay", "0"));
    }

    private static void measure(String variant, TestImages images, int runs,
                                UnaryOperator<RedisReplicationSpec.Builder> tune) {
        RedisReplicationSpec spec = tune.apply(RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("4096M"))
                .exposeNodePorts(32379, 32380)
                .image(images.redis())
                .imagePullPolicy("Never")).build();
        List<Long> totals = new ArrayList<>();
        RedisClient client = RedisClient.create();
        try {
            for (int run = 1; run <= runs; run++) {
                try (PodmanCluster cluster = PodmanCluster.start(RedisKube.manifests(spec), PodmanCluster.Options.defaults())) {
                    RedisPods redis = new RedisPods(cluster, client, spec.auth().password());
                    cluster.await("every pod ready and every replica linked", Duration.ofSeconds(90),
                            () -> cluster.pods().keySet().stream().allMatch(cluster::ready) && redis.settled(),
                            redis::roles);
                    long seen = System.currentTimeMillis() - cluster.playStartedMillis();
                    long ready = cluster.allReadyMillis();
                    totals.add(ready);
                    System.out.printf("container tier benchmark: %s, run %d: %d ms from kube play to every pod "
                            + "ready by its readiness probe (a replica's requires master_link_status:up); seen "
                            + "linked from the test JVM at %d ms; kube play itself %d ms; %s%n", variant, run, ready,
                            seen, cluster.playMillis(), cluster.firstReadiness());
                }
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        List<Long> sorted = totals.stream().sorted().toList();
        System.out.printf("container tier benchmark: %s: median %d ms, min %d ms, max %d ms over %d runs%n",
                variant, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), runs);
    }
}
