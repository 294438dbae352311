package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Control plane, TLS: a deploy whose TLS Secret is missing, or lacks a key the pods mount, is refused before anything
 * is written (the pods would wait in ContainerCreating); with the Secret in place, the handle reads its CA.
 */
@EnableKubernetesMockClient(crud = true)
class TlsDeploymentTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static RedisReplicationSpec spec(String namespace) {
        return RedisKube.replication("orders").namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"))
                .tls(t -> t.secret("orders-tls"))
                .build();
    }

    private static void secret(String namespace, String... keys) {
        Map<String, String> data = new TreeMap<>();
        for (String key : keys) {
            data.put(key, Base64.getEncoder().encodeToString(("PEM of " + key).getBytes(StandardCharsets.US_ASCII)));
        }
        client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName("orders-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .withData(data)
                .build()).create();
    }

    @Test
    void aMissingTlsSecretIsRefusedBeforeAnythingIsWritten() throws InterruptedException {
        ControlPlane.recordedRequests(server);

        assertThatThrownBy(() -> RedisKube.deploy(client, spec("no-secret"), ControlPlane.MOCK_OPTIONS))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("the TLS Secret no-secret/orders-tls does not exist")
                .hasMessageContaining("Nothing was written")
                .hasMessageContaining("a cert-manager Certificate with secretName orders-tls")
                .extracting(e -> ((RedisKubeException) e).reason()).isEqualTo(RedisKubeException.Reason.NOT_FOUND);
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).isEmpty();
    }

    @Test
    void aTlsSecretWithoutTheCaKeyIsRefusedNamingTheKey() throws InterruptedException {
        secret("no-ca", "tls.crt", "tls.key");
        ControlPlane.recordedRequests(server);

        assertThatThrownBy(() -> RedisKube.deploy(client, spec("no-ca"), ControlPlane.MOCK_OPTIONS))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("the TLS Secret no-ca/orders-tls has no key ca.crt")
                .hasMessageContaining("Nothing was written");
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).isEmpty();
    }

    @Test
    void withTheSecretInPlaceTheDeploymentAppliesAndItsHandleReadsTheCa() {
        secret("with-secret", "tls.crt", "tls.key", "ca.crt");

        RedisDeployment deployment = RedisKube.deploy(client, spec("with-secret"), ControlPlane.MOCK_OPTIONS);

        assertThat(deployment.tlsCaCertificate()).isEqualTo("PEM of ca.crt");
        assertThat(RedisKube.deploy(client, RedisKube.replication("plain").namespace("with-secret").build(),
                ControlPlane.MOCK_OPTIONS).tlsCaCertificate()).as("plain TCP").isNull();
    }
}
