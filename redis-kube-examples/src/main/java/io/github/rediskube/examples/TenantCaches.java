package io.github.rediskube.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import io.github.rediskube.junit.KubernetesClusters;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-tenant caches: tenants {@code tenant-a} and {@code tenant-b}, each in its own namespace with a
 * quota and a NetworkPolicy that admits only the tenant's own pods; neither sees the other's Redis.
 *
 * <p>{@code ./mvnw -q -pl redis-kube-examples -am compile exec:java -Dexec.mainClass=io.github.rediskube.examples.TenantCaches}
 */
public final class TenantCaches extends Example {

    TenantCaches(PrintStream out, PrintStream err) {
        super(out, err);
    }

    // tag::tenants[]
    static TenantSpec tenant(String namespace) {
        return RedisKube.tenant(namespace)
                .memory("2Gi").cpu("2").pods(10)       // the tenant's whole budget
                .maxPodMemory("512Mi")
                .build();                               // + a NetworkPolicy: only the tenant's own pods get in
    }

    static RedisReplicationSpec cache(String namespace) {
        return RedisKube.replication("cache")
                .namespace(namespace)
                .replicas(1)
                .resources(n -> n.memoryLimit("256Mi"))
                .build();
    }
    // end::tenants[]

    @Override
    String usage() {
        return "usage: TenantCaches [options]   (tenant-a and tenant-b, each with its own isolated cache)";
    }

    @Override
    void dryRun() {
        for (String namespace : List.of("tenant-a", "tenant-b")) {
            out.print(RedisKube.toYaml(tenant(namespace)));
            out.print(RedisKube.toYaml(cache(namespace)));
        }
    }

    @Override
    void live(KubernetesClusters.Cluster cluster) {
        KubernetesClient kubernetes = cluster.client();
        List<String> tenants = List.of("tenant-a", "tenant-b");
        List<String> created = tenants.stream()               // only these are deleted afterwards
                .filter(namespace -> kubernetes.namespaces().withName(namespace).get() == null).toList();
        List<RedisDeployment> caches = new ArrayList<>();
        try {
            for (String namespace : tenants) {
                RedisKube.provision(kubernetes, tenant(namespace));
                caches.add(RedisKube.deploy(kubernetes, cache(namespace), DeployOptions.DEFAULT));
            }
            for (RedisDeployment cache : caches) {
                cache.awaitReady(Duration.ofMinutes(5));
                out.println(cache.namespace() + ": " + cache.status().pods().size() + " Redis pods, all ready");
            }
            for (RedisDeployment cache : caches) {
                out.println(cache.namespace() + ": Redis at " + cache.status().masterHost() + ", reachable only from "
                        + cache.namespace() + "'s own pods (NetworkPolicy redis-kube-tenant), its own password in "
                        + cache.namespace() + "/" + cache.status().secretName());
            }
        } catch (RuntimeException e) {
            finish(cluster, caches, created, e);
            throw e;
        }
        finish(cluster, caches, created, null);
    }

    /**
     * Unless --keep: deletes every cache and the tenant namespaces this run created (a partial cache goes
     * with its namespace), each attempted; failures are attached to {@code pending}, or the first raised.
     */
    private void finish(KubernetesClusters.Cluster cluster, List<RedisDeployment> caches, List<String> created,
                        RuntimeException pending) {
        if (keep) {
            out.println("kept: kubectl get pods -n tenant-a; kubectl get pods -n tenant-b"
                    + (created.isEmpty() ? "" : "; delete with kubectl delete namespace " + String.join(" ", created)));
            cluster.keepUntilExit().ifPresent(note -> out.println("note: " + note));
            return;
        }
        RuntimeException failure = null;
        List<Runnable> steps = new ArrayList<>();
        caches.forEach(cache -> steps.add(cache::delete));
        created.forEach(namespace -> steps.add(() -> cluster.client().namespaces().withName(namespace).delete()));
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null && pending != null) {
            pending.addSuppressed(failure);
        } else if (failure != null) {
            throw failure;
        } else {
            out.println("deleted the caches" + (created.isEmpty() ? "" : " and the namespaces " + String.join(", ", created)));
        }
    }

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        int code = new TenantCaches(System.out, System.err).run(List.of(args));
        if (code != OK) {
            System.exit(code);
        }
    }
}
