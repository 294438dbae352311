package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control plane and data plane: a Secret value ending in a newline ({@code kubectl create secret
 * --from-file}) is read by the deployment handle (mock API server) and connects to real redis-server
 * processes that the rendered scripts started from the same stored value.
 */
@EnableKubernetesMockClient(crud = true)
class SecretPasswordConnectionTest {

    static KubernetesClient kube;

    private static final String PASSWORD = "kept-in-a-file-0123456789";
    private static final DeployOptions MOCK = DeployOptions.DEFAULT
            .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE);

    @Test
    void aSecretValueEndingInNewlineConnectsAClientToServersStartedFromIt(@TempDir Path dir) {
        String stored = PASSWORD + "\n";
        kube.secrets().inNamespace("tenant-n").resource(new SecretBuilder()
                .withNewMetadata()
                    .withName("orders-pass")
                .endMetadata()
                .withData(Map.of("password", Base64.getEncoder().encodeToString(
                        stored.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        RedisReplicationSpec spec = RedisKube.replication("orders").namespace("tenant-n").replicas(1)
                .auth(Auth.fromSecret("orders-pass", "password")).resources(r -> r.memoryLimit("64Mi")).build();
        RedisDeployment deployment = RedisKube.deploy(kube, spec, MOCK);

        String fromCluster = RedisEndpoints.of(deployment).settings().password();

        assertThat(deployment.password()).isEqualTo(PASSWORD);
        assertThat(fromCluster).isEqualTo(PASSWORD);
        RedisClient client = RedisClient.create();
        try (RedisTopology redis = RedisTopology.start(spec, dir, stored)) {
            for (String password : new String[] {fromCluster, stored}) {   // the builder applies the rule too
                RedisEndpoints local = RedisEndpoints.builder()
                        .master("127.0.0.1", redis.master().port())
                        .replica("127.0.0.1", redis.replicas().get(0).port())
                        .password(password)
                        .build();
                try (StatefulRedisMasterReplicaConnection<String, String> connection =
                             RedisKubeConnections.connect(client, StringCodec.UTF8, local, ReadFrom.MASTER)) {
                    connection.sync().set("order:1", "paid");
                    assertThat(connection.sync().get("order:1")).isEqualTo("paid");
                }
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
