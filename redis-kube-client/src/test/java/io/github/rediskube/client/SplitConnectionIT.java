package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RealCluster;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real cluster: the split connection from outside the cluster, through port-forwards to every pod and
 * through the classic NodePorts. K3s (Testcontainers) or {@code -Drediskube.kubeconfig=current};
 * skipped where neither exists.
 */
class SplitConnectionIT {

    private static RealCluster cluster;
    private static RedisClient redis;

    @BeforeEach
    void startCluster() {
        if (cluster == null) {
            cluster = RealCluster.start(32379, 32380);
            redis = RedisClient.create();
            redis.setOptions(RedisKubeConnections.recommendedClientOptions());
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

    private static RedisReplicationSpec spec(String namespace) {
        return RedisKube.replication("split").namespace(namespace).master(n -> n.memoryLimit("256Mi"))
                .exposeNodePorts(32379, 32380).build();
    }

    private static String namespace() {
        return "redis-kube-it-" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void throughPortForwardsWritesGoToTheMasterAndReadsSpreadOverEveryReplicaIncludingNewOnes() {
        try (RedisDeployment deployment = RedisKube.deploy(cluster.client(), spec(namespace()),
                DeployOptions.DEFAULT.withCreateNamespace(true).withEphemeral(true)).awaitReady(Duration.ofMinutes(4));
             RedisPortForward forward = RedisPortForward.open(cluster.client(), deployment);
             StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(redis,
                     StringCodec.UTF8, forward.endpoints().toBuilder().topologyRefresh(Duration.ofSeconds(2)).build(),
                     ReadFrom.ANY_REPLICA)) {
            connection.sync().set("it", "through port-forwards");
            assertThat(eventually(() -> connection.sync().get("it"), "through port-forwards"))
                    .isEqualTo("through port-forwards");
            assertThat(connection.sync().info("replication")).as("read-only commands run on a replica")
                    .contains("role:slave");

            deployment.scaleReplicas(3).awaitReady(Duration.ofMinutes(3));
            assertThat(eventually(() -> forward.podOf("split-replica-2.split-headless." + deployment.namespace()
                    + ".svc.cluster.local").isPresent() && readsReach(connection, 3) ? "yes" : null, "yes"))
                    .as("the third replica serves reads without reconnecting").isEqualTo("yes");
        }
    }

    @Test
    void throughTheClassicNodePortsTheServiceLevelSplitWorks() {
        try (RedisDeployment deployment = RedisKube.deploy(cluster.client(), spec(namespace()),
                DeployOptions.DEFAULT.withCreateNamespace(true).withEphemeral(true)).awaitReady(Duration.ofMinutes(4))) {
            InetSocketAddress master = cluster.nodePort(32379);
            InetSocketAddress replica = cluster.nodePort(32380);
            RedisEndpoints endpoints = RedisEndpoints.builder()
                    .master(master.getHostString(), master.getPort())
                    .replica(replica.getHostString(), replica.getPort())
                    .password(deployment.password())
                    .followReplication(false)
                    .build();
            try (var connection = RedisKubeConnections.connect(redis, StringCodec.UTF8, endpoints, ReadFrom.REPLICA)) {
                connection.sync().set("it", "through node ports");
                assertThat(eventually(() -> connection.sync().get("it"), "through node ports"))
                        .isEqualTo("through node ports");
            }
        }
    }

    /** Whether reads land on {@code replicas} distinct servers (told apart by their run_id). */
    private static boolean readsReach(StatefulRedisMasterReplicaConnection<String, String> connection, int replicas) {
        java.util.Set<String> servers = new java.util.HashSet<>();
        for (int i = 0; i < 60 && servers.size() < replicas; i++) {
            String info = connection.sync().info("server");
            servers.add(info.substring(info.indexOf("run_id:"), info.indexOf("run_id:") + 47));
        }
        return servers.size() >= replicas;
    }

    private static String eventually(java.util.function.Supplier<String> read, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String value = read.get();
        while (!expected.equals(value) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            value = read.get();
        }
        return value;
    }
}
