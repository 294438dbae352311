package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default strategy sends server-side apply PATCHes with field manager {@code redis-kube}. The CRUD
 * mock cannot apply them, so the mock server answers each with the object (expectation mode) and the
 * test reads the requests the client sent.
 */
@EnableKubernetesMockClient
class ServerSideApplyTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    @Test
    void everyObjectIsServerSideAppliedWithTheRedisKubeFieldManager() throws InterruptedException {
        server.reset();
        RedisReplicationSpec spec = RedisKube.replication("orders").namespace("tenant-a")
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
        for (HasMetadata object : RedisKube.manifests(spec)) {
            String path = path(object);
            HasMetadata answer = Serialization.clone(object);
            answer.getMetadata().setUid("uid-" + object.getMetadata().getName());
            server.expect().get().withPath(path).andReturn(404, new StatusBuilder().withCode(404).build()).once();
            server.expect().patch().withPath(path + "?fieldManager=redis-kube").andReturn(200, answer).once();
        }
        String selector = "?labelSelector=app.kubernetes.io%2Finstance%3Dorders%2Capp.kubernetes.io%2Fmanaged-by"
                + "%3Dredis-kube%2Capp.kubernetes.io%2Fname%3Dredis";
        for (String list : List.of("/apis/apps/v1/namespaces/tenant-a/statefulsets",
                "/apis/policy/v1/namespaces/tenant-a/poddisruptionbudgets",
                "/apis/networking.k8s.io/v1/namespaces/tenant-a/networkpolicies",
                "/api/v1/namespaces/tenant-a/services", "/api/v1/namespaces/tenant-a/configmaps",
                "/api/v1/namespaces/tenant-a/secrets")) {
            server.expect().get().withPath(list + selector)
                    .andReturn(200, new io.fabric8.kubernetes.api.model.KubernetesListBuilder().build()).always();
        }

        RedisKube.deploy(client, spec, DeployOptions.DEFAULT);

        List<RecordedRequest> patches = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            if (request.getMethod().equals("PATCH")) {
                patches.add(request);
            }
        }
        assertThat(patches).hasSize(9).allSatisfy(patch -> {
            assertThat(patch.getPath()).endsWith("?fieldManager=redis-kube");
            assertThat(patch.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        });
        assertThat(patches.get(1).getBody().readUtf8()).as("owner reference to the ConfigMap applied first")
                .contains("\"ownerReferences\"", "uid-orders-config");
    }

    @Test
    void ownershipIsCheckedBeforeApplyingSoAForeignConfigMapIsNeverMergedInto() throws InterruptedException {
        server.reset();
        RedisReplicationSpec spec = RedisKube.replication("orders").namespace("tenant-a")
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
        HasMetadata config = RedisKube.manifests(spec).stream().filter(o -> o.getMetadata().getName().equals("orders-config"))
                .findFirst().orElseThrow();
        server.expect().get().withPath(path(config)).andReturn(200, new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("orders-config").withNamespace("tenant-a")
                    .addToLabels("app.kubernetes.io/managed-by", "argocd").endMetadata()
                .addToData("theirs", "kept").build()).always();
        for (HasMetadata object : RedisKube.manifests(spec)) {
            server.expect().patch().withPath(path(object) + "?fieldManager=redis-kube")
                    .andReturn(200, Serialization.clone(object)).always();
        }

        io.github.rediskube.core.RedisKubeException error = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.github.rediskube.core.RedisKubeException.class,
                () -> RedisKube.deploy(client, spec, DeployOptions.DEFAULT));

        assertThat(error).as("deploy must be refused").isNotNull();
        assertThat(error.reason()).isEqualTo(io.github.rediskube.core.RedisKubeException.Reason.CONFLICT);
        assertThat(error.getMessage()).contains("ConfigMap/orders-config", "app.kubernetes.io/managed-by=argocd");
        List<String> methods = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            methods.add(request.getMethod() + " " + request.getPath());
        }
        assertThat(methods).as("only reads").allMatch(m -> m.startsWith("GET ")).isNotEmpty();
    }

    private static String path(HasMetadata object) {
        String group = object.getApiVersion().contains("/") ? "/apis/" + object.getApiVersion()
                : "/api/" + object.getApiVersion();
        return group + "/namespaces/tenant-a/" + HasMetadata.getPlural(object.getClass()) + "/"
                + object.getMetadata().getName();
    }
}
