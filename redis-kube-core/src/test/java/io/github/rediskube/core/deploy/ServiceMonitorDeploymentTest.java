package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
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

    private static GenericKubernetesResource monitor(String namespace) {
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                        .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
                        .withPlural("servicemonitors").withNamespaced(true).build())
                .inNamespace(namespace).withName("orders").get();
    }
}
