package io.github.rediskube.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.junit.KubernetesClusters;
import io.lettuce.core.RedisClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Storage mode: a PersistentVolumeClaim per pod, data written, the volumes grown online, the data
 * still there. The cluster's StorageClass must allow volume expansion (the example says so if not).
 *
 * <p>{@code ./mvnw -q -pl redis-kube-examples -am compile exec:java -Dexec.mainClass=io.github.rediskube.examples.StorageGrowth}
 */
public final class StorageGrowth extends Example {

    private String storageClass;

    StorageGrowth(PrintStream out, PrintStream err) {
        super(out, err);
    }

    // tag::storage[]
    static RedisReplicationSpec spec(String storageClass) {
        return RedisKube.replication("orders")
                .namespace("storage-demo")
                .storage(s -> s.size("1Gi").storageClass(storageClass))   // AOF everysec + RDB, kept on delete
                .build();
    }
    // end::storage[]

    @Override
    String usage() {
        return "usage: StorageGrowth [--storage-class NAME] [options]   (storage mode, volumes grown online)";
    }

    @Override
    boolean option(String name, Args args) {
        if (name.equals("--storage-class")) {
            storageClass = args.value(name);
            return true;
        }
        return false;
    }

    @Override
    void dryRun() {
        out.print(RedisKube.toYaml(spec(storageClass)));
    }

    @Override
    void live(KubernetesClusters.Cluster cluster) throws Exception {
        KubernetesClient kubernetes = cluster.client();
        deployAndRun(cluster, spec(storageClass), deployment -> {   // volumes deleted too, unless --keep
            deployment.awaitReady(Duration.ofMinutes(5));
            RedisClient redis = RedisClient.create();
            try (RedisPortForward forward = RedisPortForward.open(kubernetes, deployment);
                 var connection = RedisKubeConnections.connect(redis, forward.endpoints())) {
                connection.sync().set("order:1", "paid");
                // tag::resize[]
                deployment.resizeStorage("2Gi");   // every PVC patched; StatefulSets re-created, pods untouched
                // end::resize[]
                out.println("volumes grown to 2Gi; order:1 is still \"" + connection.sync().get("order:1") + "\"");
            } finally {
                redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        });
    }

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        int code = new StorageGrowth(System.out, System.err).run(List.of(args));
        if (code != OK) {
            System.exit(code);
        }
    }
}
