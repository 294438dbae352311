package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Control plane: the addresses and password a connection to a live deployment is built from. */
@EnableKubernetesMockClient(crud = true)
class DeploymentEndpointsTest {

    static KubernetesClient client;

    private static final DeployOptions MOCK = DeployOptions.DEFAULT
            .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE);

    @Test
    void deploymentEndpointsAreTheMasterServiceEveryReplicaPodAndTheSecretsPassword() {
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("orders").namespace("tenant-a")
                .replicas(3).passwordGenerator(PasswordGenerator.fixed("generated-password-0123")).build(), MOCK);

        RedisEndpoints endpoints = RedisEndpoints.of(deployment);

        assertThat(endpoints.master()).hasToString("orders-master.tenant-a.svc.cluster.local:6379");
        assertThat(endpoints.replicas()).extracting(RedisEndpoints.Address::toString).containsExactly(
                "orders-replica-0.orders-headless.tenant-a.svc.cluster.local:6379",
                "orders-replica-1.orders-headless.tenant-a.svc.cluster.local:6379",
                "orders-replica-2.orders-headless.tenant-a.svc.cluster.local:6379");
        assertThat(endpoints.settings().password()).isEqualTo("generated-password-0123");
        assertThat(endpoints.followReplication()).isTrue();
    }

    @Test
    void aSpecBuiltAgainAfterARestartNeverConnectsWithItsOwnNewPassword() {
        RedisKube.deploy(client, RedisKube.replication("orders").namespace("restarts").sentinel(x -> x.sentinels(3))
                .passwordGenerator(PasswordGenerator.fixed("first-run-password-0001")).build(), MOCK);
        var rebuilt = RedisKube.replication("orders").namespace("restarts").sentinel(x -> x.sentinels(3))
                .passwordGenerator(PasswordGenerator.fixed("second-run-password-002")).build();

        RedisClient redisClient = RedisClient.create();
        try {
            assertThatThrownBy(() -> RedisKubeConnections.connect(redisClient, rebuilt))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot know the password restarts/orders runs with")
                    .hasMessageContaining("RedisKube.attach(kubernetesClient, \"restarts\", \"orders\")")
                    .hasMessageNotContaining("second-run-password-002");
        } finally {
            redisClient.shutdown();
        }
        assertThat(RedisEndpoints.of(rebuilt).settings().password()).as("a spec's own password is never the connection's")
                .isNull();
        assertThat(RedisEndpoints.ofServices(rebuilt).settings().password()).isNull();
        assertThat(RedisSentinels.of(rebuilt).settings().password()).isNull();
        RedisDeployment redeployed = RedisKube.deploy(client, rebuilt, MOCK);
        assertThat(RedisEndpoints.of(redeployed).settings().password()).as("the live Secret's").isEqualTo("first-run-password-0001");
        assertThat(RedisSentinels.of(redeployed).settings().password()).isEqualTo("first-run-password-0001");
    }

    @Test
    void aPasswordKeptInAnExistingSecretIsReadFromIt() {
        client.secrets().inNamespace("tenant-b").resource(new SecretBuilder()
                .withNewMetadata()
                    .withName("shared-redis")
                .endMetadata()
                .withData(Map.of("pass", Base64.getEncoder().encodeToString(
                        "kept-elsewhere-password".getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("carts").namespace("tenant-b")
                .auth(Auth.fromSecret("shared-redis", "pass")).build(), MOCK);

        assertThat(RedisEndpoints.of(deployment).settings().password()).isEqualTo("kept-elsewhere-password");
        assertThat(RedisEndpoints.of(RedisKube.attach(client, "tenant-b", "carts", MOCK)).replicas())
                .as("an attached handle derives the same endpoints").hasSize(2);
    }

    @Test
    void sentinelDeploymentsAreReachedThroughEverySentinelPodWithTheSecretsPassword() {
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("orders").namespace("tenant-s")
                .passwordGenerator(PasswordGenerator.fixed("generated-password-0123"))
                .sentinel(s -> s.sentinels(3)).build(), MOCK);

        RedisSentinels sentinels = RedisSentinels.of(deployment);

        assertThat(sentinels.masterName()).isEqualTo("orders");
        assertThat(sentinels.sentinels()).extracting(RedisEndpoints.Address::toString).containsExactly(
                "orders-sentinel-0.orders-sentinel-headless.tenant-s.svc.cluster.local:26379",
                "orders-sentinel-1.orders-sentinel-headless.tenant-s.svc.cluster.local:26379",
                "orders-sentinel-2.orders-sentinel-headless.tenant-s.svc.cluster.local:26379");
        assertThat(sentinels.settings().password()).isEqualTo("generated-password-0123");
        assertThat(sentinels.toString()).doesNotContain("generated-password-0123");
    }

    @Test
    void withoutAuthThereIsNoPassword() {
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("open").namespace("tenant-c")
                .auth(Auth.disabled()).build(), MOCK);

        assertThat(RedisEndpoints.of(deployment).settings().password()).isNull();
    }

    @Test
    void portForwardMapsTheMasterServiceAndEveryPodOfTheDeploymentAndNothingElse() {
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("orders").namespace("tenant-d")
                .passwordGenerator(PasswordGenerator.fixed("generated-password-0123")).build(), MOCK);

        try (RedisPortForward forward = RedisPortForward.open(client, deployment)) {
            assertThat(forward.podOf("orders-master.tenant-d.svc.cluster.local")).contains("orders-master-0");
            assertThat(forward.podOf("orders-replica-1.orders-headless.tenant-d.svc.cluster.local"))
                    .contains("orders-replica-1");
            assertThat(forward.podOf("orders-replica-7.orders-headless.tenant-d.svc.cluster.local"))
                    .as("a replica added later").contains("orders-replica-7");
            assertThat(forward.podOf("carts-replica-0.carts-headless.tenant-d.svc.cluster.local")).isEmpty();
            assertThat(forward.podOf("orders-replica-0.orders-headless.other.svc.cluster.local")).isEmpty();
            assertThat(forward.podOf("127.0.0.1")).isEmpty();
            assertThat(forward.podOf("orders-sentinel-2.orders-sentinel-headless.tenant-d.svc.cluster.local"))
                    .as("Sentinels are named by their own headless Service").contains("orders-sentinel-2");
            assertThat(forward.podOf("orders-sentinel-0.carts-sentinel-headless.tenant-d.svc.cluster.local")).isEmpty();
            assertThat(forward.endpoints().master().host()).isEqualTo("orders-master.tenant-d.svc.cluster.local");
        }
    }

    @Test
    void aTlsDeploymentsConnectionsAskForTlsTrustingTheCaOfItsSecretAndPortForwardsCheckTheChainOnly() {
        String ca = io.github.rediskube.testing.TlsCertificates.create(tlsDir.resolve("tls"),
                "DNS:*.orders-headless.tenant-t.svc.cluster.local").caPem();
        client.secrets().inNamespace("tenant-t").resource(new SecretBuilder()
                .withNewMetadata()
                    .withName("orders-tls")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("issuer.pem", Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.US_ASCII)),
                        "tls.crt", "", "tls.key", ""))
                .build()).create();
        RedisDeployment deployment = RedisKube.deploy(client, RedisKube.replication("orders").namespace("tenant-t")
                .sentinel(s -> s.sentinels(3))
                .tls(t -> t.secret("orders-tls").caKey("issuer.pem")).build(), MOCK);

        TlsSettings tls = RedisEndpoints.of(deployment).settings().tls();
        assertThat(tls).isNotNull();
        assertThat(tls.caCertificate()).isEqualTo(ca);
        assertThat(tls.verifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.FULL);
        assertThat(RedisEndpoints.of(deployment).uri(RedisEndpoints.of(deployment).master()).isSsl()).isTrue();
        assertThat(RedisSentinels.of(deployment).settings().tls()).isEqualTo(tls);
        assertThat(RedisEndpoints.of(RedisKube.attach(client, "tenant-t", "orders", MOCK)).settings().tls())
                .as("an attached handle reads the CA from the StatefulSet's TLS volume").isEqualTo(tls);
        try (RedisPortForward forward = RedisPortForward.open(client, deployment)) {
            assertThat(forward.endpoints().settings().tls().verifyMode()).as("forwards are 127.0.0.1")
                    .isEqualTo(io.lettuce.core.SslVerifyMode.CA);
        }
        assertThat(RedisEndpoints.of(RedisKube.deploy(client, RedisKube.replication("plain").namespace("tenant-t")
                .build(), MOCK)).settings().tls()).as("plain TCP").isNull();
    }

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path tlsDir;
}
