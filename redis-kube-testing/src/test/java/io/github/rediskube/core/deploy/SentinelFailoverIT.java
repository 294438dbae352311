package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RealCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real cluster, Sentinel mode: a deliberate delete of the master pod fails over first (preStop), the
 * role-label sidecar moves the master Service to the promoted pod, and the deleted pod comes back as a
 * replica. On K3s (Testcontainers) or the current kubeconfig ({@code -Drediskube.kubeconfig=current});
 * skipped where neither exists. The labeler image must be pullable by the cluster.
 */
class SentinelFailoverIT {

    private static RealCluster cluster;

    @BeforeEach
    void startCluster() {
        if (cluster == null) {
            cluster = RealCluster.start();
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> masterServicePods(KubernetesClient client, String namespace) {
        Map<String, String> selector = client.services().inNamespace(namespace).withName("ha-master").get().getSpec()
                .getSelector();
        return client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void deletingTheMasterPodFailsOverFirstAndTheMasterServiceFollows() throws Exception {
        KubernetesClient client = cluster.client();
        String namespace = "redis-kube-ha-" + Long.toString(System.nanoTime(), 36);
        RedisReplicationSpec spec = RedisKube.replication("ha").namespace(namespace)
                .master(n -> n.memoryLimit("128Mi"))
                .replicas(2)
                .sentinel(s -> s.downAfter(Duration.ofSeconds(2)))
                .build();

        try (RedisDeployment deployment = RedisKube.deploy(client, spec,
                DeployOptions.DEFAULT.withCreateNamespace(true).withEphemeral(true))) {
            deployment.awaitReady(Duration.ofMinutes(5));
            assertThat(masterServicePods(client, namespace)).containsExactly("ha-master-0");

            client.pods().inNamespace(namespace).withName("ha-master-0").delete();

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            List<String> selected = List.of();
            while (System.nanoTime() < deadline) {
                selected = masterServicePods(client, namespace);
                if (selected.size() == 1 && !selected.get(0).equals("ha-master-0")) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(selected).singleElement().isNotEqualTo("ha-master-0");
            client.pods().inNamespace(namespace).withName("ha-master-0")
                    .waitUntilCondition(p -> p != null && "replica".equals(label(p)), 3, TimeUnit.MINUTES);
        }
    }

    private static String label(Pod pod) {
        return pod.getMetadata().getLabels().get(RedisManifests.roleLabel());
    }
}
