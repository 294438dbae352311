package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.Metrics;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Control plane, metrics with a ServiceMonitor: without the Prometheus Operator's CRD the deploy is refused before
 * anything is written; with it, the ServiceMonitor is applied with the rest.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceMonitorDeploymentTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String CRD = "servicemonitors.monitoring.coreos.com";

    private static RedisReplicationSpec spec(String namespace) {
        return RedisKube.replication("orders").namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"))
                .metrics(m -> m.serviceMonitor(true))
                .build();
    }

    @Test
    void deployWithAServiceMonitorAndNoCrdFailsNamingTheCrdAndTheFixAndWritesNothing() throws Exception {
        client.apiextensions().v1().customResourceDefinitions().withName(CRD).delete();   // the other test's
        ControlPlane.recordedRequests(server);

        assertThatThrownBy(() -> RedisKube.deploy(client, spec("no-crd"), ControlPlane.MOCK_OPTIONS))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("servicemonitors.monitoring.coreos.com is not installed")
                .hasMessageContaining("Nothing was written")
                .hasMessageContaining("metrics(m -> m.serviceMonitor(false))")
                .extracting(e -> ((RedisKubeException) e).reason()).isEqualTo(RedisKubeException.Reason.NOT_FOUND);
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).isEmpty();
    }

    @Test
    void withTheCrdInstalledTheServiceMonitorIsAppliedWithTheDeploymentAndPrunedWhenAnUpdateTurnsItOff() {
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(CRD).endMetadata()
                .withNewSpec()
                    .withGroup("monitoring.coreos.com")
                    .withScope("Namespaced")
                    .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors")
                        .withSingular("servicemonitor").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec()
                .build()).create();

        RedisDeployment redis = RedisKube.deploy(client, spec("with-crd"), ControlPlane.MOCK_OPTIONS);

        GenericKubernetesResource monitor = monitor("with-crd");
        assertThat(monitor).isNotNull();
        assertThat(monitor.getAdditionalProperties()).containsKey("spec");

        redis.update(spec("with-crd").toBuilder().metrics(m -> m.serviceMonitor(false)).build());

        assertThat(monitor("with-crd")).as("the ServiceMonitor an update turned off").isNull();
    }

    @Test
    void theExportersSecretIsWrittenOnceKeptWhenTheSpecIsBuiltAgainAndPrunedWhenMetricsAreTurnedOff() {
        RedisReplicationSpec first = withExporter("first-Exporter-0123456789");
        RedisDeployment redis = RedisKube.deploy(client, first, ControlPlane.MOCK_OPTIONS);
        assertThat(exporterPassword("exporter-secret")).isEqualTo(first.exporterPassword());

        // a process that builds its spec again holds another exporter password; the Secret keeps the first, which
        // the running servers and exporters use
        RedisReplicationSpec again = withExporter("second-Exporter-0123456789");
        assertThat(again.exporterPassword()).isNotEqualTo(first.exporterPassword());
        RedisKube.deploy(client, again, ControlPlane.MOCK_OPTIONS);
        assertThat(exporterPassword("exporter-secret")).isEqualTo(first.exporterPassword());

        redis.update(again.toBuilder().metrics((Metrics) null).build());
        assertThat(client.secrets().inNamespace("exporter-secret").withName("orders-metrics").get())
                .as("the exporter's Secret after metrics were turned off").isNull();
    }

    /** @return a spec with metrics whose passwords (the clients' and the exporter's) are {@code password} */
    private static RedisReplicationSpec withExporter(String password) {
        return RedisKube.replication("orders").namespace("exporter-secret")
                .passwordGenerator(PasswordGenerator.fixed(password)).metrics(m -> { }).build();
    }

    private static String exporterPassword(String namespace) {
        Secret secret = client.secrets().inNamespace(namespace).withName("orders-metrics").get();
        assertThat(secret).as("Secret orders-metrics").isNotNull();
        return new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
    }

    private static GenericKubernetesResource monitor(String namespace) {
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                        .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
                        .withPlural("servicemonitors").withNamespaced(true).build())
                .inNamespace(namespace).withName("orders").get();
    }
}
