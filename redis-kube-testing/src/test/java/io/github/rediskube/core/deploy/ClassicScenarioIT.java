package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RealCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real cluster: the classic walkthrough deployed, used, scaled and deleted on K3s (Testcontainers) or
 * on the current kubeconfig context ({@code -Drediskube.kubeconfig=current}). Skipped where neither exists.
 */
class ClassicScenarioIT {

    private static RealCluster cluster;
    private static RedisClient redis;

    @BeforeEach
    void startCluster() {
        if (cluster == null) {
            cluster = RealCluster.start();   // skips the test, with a message, where no cluster can be had
            redis = RedisClient.create();
        }
    }

    @AfterAll
    static void stopCluster() {
        if (redis != null) {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void classicScenarioDeploysReplicatesScalesAndLeavesNothingBehind() throws java.io.IOException {
        KubernetesClient client = cluster.client();
        String namespace = "redis-kube-it-" + Long.toString(System.nanoTime(), 36);
        RedisReplicationSpec spec = RedisKube.replication("classic").namespace(namespace)
                .master(n -> n.memoryLimit("256Mi"))
                .exposeNodePorts()
                .build();

        try (RedisDeployment deployment = RedisKube.deploy(client, spec,
                DeployOptions.DEFAULT.withCreateNamespace(true).withEphemeral(true))) {
            deployment.awaitReady(Duration.ofMinutes(4));
            String password = new String(Base64.getDecoder().decode(client.secrets().inNamespace(namespace)
                    .withName(deployment.status().secretName()).get().getData().get("password")),
                    StandardCharsets.UTF_8);

            try (LocalPortForward master = client.pods().inNamespace(namespace).withName("classic-master-0")
                    .portForward(6379);
                 LocalPortForward replica = client.pods().inNamespace(namespace).withName("classic-replica-1")
                         .portForward(6379)) {
                set(master.getLocalPort(), password, "walkthrough", "written on the master");
                assertThat(awaitValue(replica.getLocalPort(), password, "walkthrough"))
                        .isEqualTo("written on the master");
            }

            deployment.scaleReplicas(3).awaitReady(Duration.ofMinutes(3));
            assertThat(deployment.status().pods()).hasSize(4).allMatch(DeploymentStatus.PodState::ready);
            deployment.scaleReplicas(1).awaitReady(Duration.ofMinutes(3));
            assertThat(client.apps().statefulSets().inNamespace(namespace).withName("classic-replica").get()
                    .getStatus().getReadyReplicas()).isEqualTo(1);
        }

        List<HasMetadata> left = client.resourceList(RedisKube.manifests(spec)).get().stream()
                .filter(java.util.Objects::nonNull).toList();
        assertThat(left).as("nothing left behind").isEmpty();
        assertThat(client.pods().inNamespace(namespace).list().getItems()).isEmpty();
        client.namespaces().withName(namespace).delete();
    }

    private static void set(int port, String password, String key, String value) {
        try (StatefulRedisConnection<String, String> connection = redis.connect(uri(port, password))) {
            connection.sync().set(key, value);
        }
    }

    private static String awaitValue(int port, String password, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (StatefulRedisConnection<String, String> connection = redis.connect(uri(port, password))) {
            String value;
            while ((value = connection.sync().get(key)) == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return value;
        }
    }

    private static RedisURI uri(int port, String password) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray())
                .withTimeout(Duration.ofSeconds(10)).build();
    }
}
