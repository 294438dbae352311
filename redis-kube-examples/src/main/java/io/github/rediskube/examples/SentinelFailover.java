package io.github.rediskube.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.junit.KubernetesClusters;
import io.lettuce.core.RedisClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * High availability with Sentinel: three Sentinels watch the master; the example deletes the master
 * pod and the client carries on writing to the replica the Sentinels promote.
 *
 * <p>{@code ./mvnw -q -pl redis-kube-examples -am compile exec:java -Dexec.mainClass=io.github.rediskube.examples.SentinelFailover}
 */
public final class SentinelFailover extends Example {

    SentinelFailover(PrintStream out, PrintStream err) {
        super(out, err);
    }

    // tag::sentinel[]
    static RedisReplicationSpec spec() {
        return RedisKube.replication("orders")
                .namespace("ha-demo")
                .replicas(2)
                .sentinel(s -> s.sentinels(3).downAfter(Duration.ofSeconds(2)))   // a majority promotes a replica
                .build();
    }
    // end::sentinel[]

    @Override
    String usage() {
        return "usage: SentinelFailover [options]   (kill the master pod, watch the client carry on)";
    }

    @Override
    void dryRun() {
        out.print(RedisKube.toYaml(spec()));
    }

    @Override
    void live(KubernetesClusters.Cluster cluster) throws Exception {
        KubernetesClient kubernetes = cluster.client();
        deployAndRun(cluster, spec(), deployment -> {   // deletes ha-demo afterwards unless --keep
            RedisClient redis = RedisClient.create();
            redis.setOptions(RedisKubeConnections.recommendedClientOptions());
            deployment.awaitReady(Duration.ofMinutes(5));
            try (RedisPortForward forward = RedisPortForward.open(kubernetes, deployment);
                 var connection = RedisKubeConnections.connect(redis, forward.sentinels(deployment))) {
                connection.sync().set("before", "the failover");
                kubernetes.pods().inNamespace(deployment.namespace()).withName(masterPod(deployment)).withGracePeriod(0).delete();
                out.println("deleted the master pod; writing until a replica takes over ...");
                long start = System.nanoTime();
                int failures = 0;
                while (true) {
                    try {
                        connection.sync().set("after", "the failover");
                        break;
                    } catch (RuntimeException notYet) {
                        failures++;
                        Thread.sleep(100);
                    }
                    if (System.nanoTime() - start > Duration.ofMinutes(2).toNanos()) {
                        throw new IllegalStateException("writes did not resume within 2 minutes");
                    }
                }
                out.printf("writes resumed after %.1f s (%d refused meanwhile); \"before\" is still \"%s\"%n",
                        (System.nanoTime() - start) / 1e9, failures, connection.sync().get("before"));
            } finally {
                redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        });
    }

    private static String masterPod(RedisDeployment deployment) {
        return deployment.status().pods().stream().filter(p -> "master".equals(p.role())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no master pod in " + deployment)).name();
    }

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        int code = new SentinelFailover(System.out, System.err).run(List.of(args));
        if (code != OK) {
            System.exit(code);
        }
    }
}
