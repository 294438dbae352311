package io.github.rediskube.examples.bench;

import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * API requests per deploy, per await and per unchanged re-deploy, and the wall time to deploy and
 * await 50 deployments, against fabric8's mock API server in CRUD mode (on 127.0.0.1). The benchmark
 * plays the StatefulSet controller (it reports the pods ready), as the control-plane tests do.
 *
 * <p>Run: {@code ./mvnw -q -pl redis-kube-examples -am compile exec:java
 * -Dexec.mainClass=io.github.rediskube.examples.bench.DeployBenchmark}
 */
public final class DeployBenchmark {

    private static final DeployOptions MOCK = DeployOptions.DEFAULT
            .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE);

    private DeployBenchmark() {
    }

    /** @param args optional: number of deployments for the wall-time run (default 50) */
    public static void main(String[] args) throws InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = server.createClient()) {
            RedisReplicationSpec spec = spec("probe", "bench-requests");
            drain(server);
            RedisDeployment deployment = RedisKube.deploy(client, spec, MOCK);
            Map<String, Integer> deploy = drain(server);
            reportReady(client, "bench-requests", "probe", spec.replicas());
            drain(server);
            deployment.awaitReady(Duration.ofSeconds(30));
            Map<String, Integer> await = drain(server);
            RedisKube.deploy(client, spec, MOCK);
            Map<String, Integer> redeploy = drain(server);

            System.out.println("objects rendered per deployment: " + RedisKube.manifests(spec).size());
            System.out.println("requests per deploy:             " + deploy);
            System.out.println("requests per await:              " + await);
            System.out.println("requests per unchanged re-deploy: " + redeploy + "  (writes: " + writes(redeploy) + ")");

            long start = System.nanoTime();
            List<RedisDeployment> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String namespace = "bench-" + i;
                all.add(RedisKube.deploy(client, spec("cache", namespace), MOCK));
                reportReady(client, namespace, "cache", 2);
            }
            for (RedisDeployment d : all) {
                d.awaitReady(Duration.ofSeconds(30));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "deploy + await %d deployments: %.2f s (%.1f ms each)%n", count, seconds,
                    seconds * 1000 / count);
        } finally {
            server.destroy();
        }
    }

    private static RedisReplicationSpec spec(String name, String namespace) {
        return RedisKube.replication(name).namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("benchmark-password-0123456789")).build();
    }

    /** Plays the StatefulSet controller: every wanted pod ready. */
    private static void reportReady(KubernetesClient client, String namespace, String name, int replicas) {
        for (String sts : List.of(name + "-master", name + "-replica")) {
            client.apps().statefulSets().inNamespace(namespace).withName(sts).edit(s -> {
                int wanted = s.getSpec().getReplicas();
                s.setStatus(new StatefulSetStatusBuilder().withReplicas(wanted).withReadyReplicas(wanted).build());
                return s;
            });
        }
    }

    /** @return recorded requests since the last call, by HTTP method (watch upgrades count as GET) */
    private static Map<String, Integer> drain(KubernetesMockServer server) throws InterruptedException {
        Map<String, Integer> methods = new TreeMap<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            String kind = request.getMethod() + (request.getPath().contains("watch=true") ? " (watch)" : "");
            methods.merge(kind, 1, Integer::sum);
        }
        return methods;
    }

    private static int writes(Map<String, Integer> methods) {
        return methods.entrySet().stream().filter(e -> !e.getKey().startsWith("GET")).mapToInt(Map.Entry::getValue)
                .sum();
    }
}
