package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Other people's objects: a Service, ConfigMap and Secret that exist under the names a deployment renders
 * but were made by someone else (no redis-kube labels, or a Helm release's) are never written, adopted or
 * deleted, unless the caller opts in with {@link DeployOptions#withAdoptExisting(boolean)}.
 */
@EnableKubernetesMockClient(crud = true)
class ForeignObjectsTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "shared-" + (++namespaces);
    }

    private RedisReplicationSpec spec(String name) {
        return RedisKube.replication(name).namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
    }

    /** Someone else's objects under the names instance {@code orders} renders, with the given labels. */
    private List<HasMetadata> createForeign(Map<String, String> labels) {
        Service service = new ServiceBuilder()
                .withNewMetadata().withName("orders-master").withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                    .addToSelector("app", "orders-web")
                    .addNewPort().withName("http").withPort(80).endPort()
                .endSpec()
                .build();
        ConfigMap config = new ConfigMapBuilder()
                .withNewMetadata().withName("orders-config").withNamespace(namespace).withLabels(labels).endMetadata()
                .addToData("theirs.properties", "orders.timeout=30s")
                .build();
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName("orders-auth").withNamespace(namespace).withLabels(labels).endMetadata()
                .addToData("password", base64("their-own-password"))
                .build();
        return List.of(client.resource(service).create(), client.resource(config).create(),
                client.resource(secret).create());
    }

    @Test
    void deployRefusesOtherPeoplesServiceConfigMapAndSecretBeforeWritingAnything() throws InterruptedException {
        List<HasMetadata> foreign = createForeign(Map.of("app", "orders-web"));
        ControlPlane.recordedRequests(server);   // drain

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class,
                () -> RedisKube.deploy(client, spec("orders"), ControlPlane.MOCK_OPTIONS.withCreateNamespace(true)));

        assertThat(error).as("deploy must be refused").isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(error.getMessage()).contains("Service/orders-master", "ConfigMap/orders-config",
                "Secret/orders-auth", "app.kubernetes.io/managed-by=redis-kube", "Nothing was written",
                "DeployOptions.withAdoptExisting(true)", "deploy under another name");
        assertThat(error.applied()).isEmpty();
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).as("requests other than reads")
                .isEmpty();
        assertUnchanged(foreign);
    }

    @Test
    void anotherToolsObjectsOfTheSameInstanceNameAreRefusedAndSurviveALaterDelete() {
        Map<String, String> helm = Map.of("app.kubernetes.io/name", "redis", "app.kubernetes.io/instance", "orders",
                "app.kubernetes.io/managed-by", "Helm");
        List<HasMetadata> foreign = createForeign(helm);

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class,
                () -> RedisKube.deploy(client, spec("orders"), ControlPlane.MOCK_OPTIONS));
        assertThat(error).as("deploy must be refused").isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(error.getMessage()).contains("app.kubernetes.io/managed-by=Helm");
        assertUnchanged(foreign);

        // a redis-kube deployment of another name in the same namespace, deleted: the Helm objects stay
        RedisDeployment carts = RedisKube.deploy(client, spec("carts"), ControlPlane.MOCK_OPTIONS);
        carts.delete();
        assertUnchanged(foreign);
    }

    @Test
    void anObjectOfAnotherRedisKubeInstanceIsNotOurs() {
        List<HasMetadata> foreign = createForeign(Map.of("app.kubernetes.io/name", "redis",
                "app.kubernetes.io/instance", "orders-v1", "app.kubernetes.io/managed-by", "redis-kube"));

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class,
                () -> RedisKube.deploy(client, spec("orders"), ControlPlane.MOCK_OPTIONS));

        assertThat(error).as("deploy must be refused").isNotNull();
        assertThat(error.getMessage()).contains("app.kubernetes.io/instance=orders-v1");
        assertUnchanged(foreign);
    }

    @Test
    void attachRefusesAStatefulSetOfOurNameThatIsNotOurs() {
        HasMetadata theirs = client.resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata().withName("orders-master").withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/instance", "orders").addToLabels("app.kubernetes.io/managed-by", "Helm")
                .endMetadata()
                .withNewSpec().withReplicas(1).withServiceName("orders-headless").endSpec()
                .build()).create();

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class,
                () -> RedisKube.attach(client, namespace, "orders", ControlPlane.MOCK_OPTIONS));

        assertThat(error).as("attach must be refused").isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(error.getMessage()).contains("StatefulSet orders-master exists but is not redis-kube's");
        assertUnchanged(List.of(theirs));
    }

    @Test
    void adoptExistingTakesThemOverWhenAskedAndDeletesThemWithTheDeployment() {
        createForeign(Map.of("app", "orders-web"));

        RedisDeployment orders = RedisKube.deploy(client, spec("orders"),
                ControlPlane.MOCK_OPTIONS.withAdoptExisting(true));

        Service service = client.services().inNamespace(namespace).withName("orders-master").get();
        assertThat(service.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "redis-kube");
        assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/instance", "orders");
        assertThat(client.configMaps().inNamespace(namespace).withName("orders-config").get().getData())
                .containsKey("master.conf").doesNotContainKey("theirs.properties");
        assertThat(client.secrets().inNamespace(namespace).withName("orders-auth").get().getData().get("password"))
                .as("the adopted Secret holds the password the pods are given")
                .isEqualTo(base64("0123456789abcdefABCDEF"));

        orders.delete();

        assertThat(client.services().inNamespace(namespace).withName("orders-master").get()).isNull();
        assertThat(client.configMaps().inNamespace(namespace).withName("orders-config").get()).isNull();
        assertThat(client.secrets().inNamespace(namespace).withName("orders-auth").get()).isNull();
    }

    @Test
    void provisionRefusesATenantObjectSomeoneElseMadeAndWritesNothing() throws InterruptedException {
        HasMetadata quota = client.resource(new ResourceQuotaBuilder()
                .withNewMetadata().withName("redis-kube-tenant").withNamespace(namespace).endMetadata()
                .withNewSpec().addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("100")).endSpec()
                .build()).create();
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName(namespace)
                    .withLabels(Map.of("app.kubernetes.io/managed-by", "redis-kube")).endMetadata()
                .build()).create();
        ControlPlane.recordedRequests(server);   // drain

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class, () -> RedisKube.provision(client,
                RedisKube.tenant(namespace).pods(10).build()));

        assertThat(error).as("provision must be refused").isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(error.getMessage()).contains("ResourceQuota/redis-kube-tenant").doesNotContain("Namespace/");
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).isEmpty();
        assertUnchanged(List.of(quota));
    }

    private void assertUnchanged(List<HasMetadata> before) {
        for (HasMetadata object : before) {
            HasMetadata now = client.resource(object).get();
            assertThat(now).as(object.getKind() + " " + object.getMetadata().getName() + " still there").isNotNull();
            assertThat(now.getMetadata().getResourceVersion()).as(object.getKind() + " untouched")
                    .isEqualTo(object.getMetadata().getResourceVersion());
            assertThat(Serialization.asJson(now)).isEqualTo(Serialization.asJson(object));
        }
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
