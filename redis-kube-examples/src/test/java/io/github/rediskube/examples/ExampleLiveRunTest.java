package io.github.rediskube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.junit.KubernetesClusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live path of an example on fabric8's mock API server (CRUD mode), found through
 * {@code -Drediskube.kubeconfig}: what a run leaves behind, and its exit code, when its work fails.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ExampleLiveRunTest {

    static KubernetesClient mock;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void pointTheExamplesAtTheMock(@TempDir Path dir) throws IOException {
        String url = mock.getConfiguration().getMasterUrl();
        io.fabric8.kubernetes.api.model.Config kubeconfig = new io.fabric8.kubernetes.api.model.ConfigBuilder()
                .addNewCluster().withName("mock").withNewCluster().withServer(url).endCluster().endCluster()
                .addNewUser().withName("mock").withNewUser().withToken("mock").endUser().endUser()
                .addNewContext().withName("mock").withNewContext().withCluster("mock").withUser("mock")
                    .endContext().endContext()
                .withCurrentContext("mock")
                .build();
        Path file = Files.writeString(dir.resolve("kubeconfig.yaml"), Serialization.asYaml(kubeconfig));
        System.setProperty(KubernetesClusters.KUBECONFIG_PROPERTY, file.toString());
    }

    @AfterEach
    void clearProperties() {
        System.clearProperty(KubernetesClusters.KUBECONFIG_PROPERTY);
    }

    /** An example whose work on its deployment fails with an IllegalArgumentException (not a usage error). */
    private final class FailingWork extends Example {
        private final String namespace;

        FailingWork(String namespace) {
            super(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            this.namespace = namespace;
        }

        RedisReplicationSpec spec() {
            return RedisKube.replication("redis").namespace(namespace).replicas(1).build();
        }

        @Override
        String usage() {
            return "usage: FailingWork";
        }

        @Override
        void dryRun() {
            throw new AssertionError("must run live, on the mock");
        }

        @Override
        DeployOptions deployOptions() {
            return DeployOptions.DEFAULT.withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE);   // no SSA here
        }

        @Override
        void live(KubernetesClusters.Cluster cluster) throws Exception {
            deployAndRun(cluster, spec(), deployment -> {
                assertThat(statefulSets(namespace)).isNotEmpty();
                throw new IllegalArgumentException("a value the cluster refused at runtime");
            });
        }
    }

    private static List<String> statefulSets(String namespace) {
        return mock.apps().statefulSets().inNamespace(namespace).list().getItems().stream()
                .map(s -> s.getMetadata().getName()).toList();
    }

    private String output() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFailureAtRuntimeExitsOneAndDeletesTheDeploymentAndTheNamespaceTheRunCreated() {
        assertThat(new FailingWork("live-demo").run(List.of())).isEqualTo(Example.FAILED);

        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("failed: a value the cluster refused at runtime");
        assertThat(statefulSets("live-demo")).isEmpty();
        assertThat(mock.namespaces().withName("live-demo").get()).as("created by the run, so deleted").isNull();
        assertThat(output()).contains("deleted live-demo/redis and the namespace live-demo");
    }

    @Test
    void aNamespaceThatWasThereBeforeIsNeverDeleted() {
        mock.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
                .create();

        assertThat(new FailingWork("shared").run(List.of())).isEqualTo(Example.FAILED);

        assertThat(statefulSets("shared")).isEmpty();
        assertThat(mock.namespaces().withName("shared").get()).isNotNull();
        assertThat(output()).contains("the namespace was there before: kept");
    }

    @Test
    void aDeployRefusedForSomeoneElsesObjectLeavesItWhereItWas() {
        mock.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("crowded").endMetadata().build())
                .create();
        mock.configMaps().inNamespace("crowded").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("redis-config").endMetadata()
                .addToData("theirs", "kept").build()).create();

        assertThat(new FailingWork("crowded").run(List.of())).isEqualTo(Example.FAILED);

        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("ConfigMap/redis-config", "withAdoptExisting");
        assertThat(mock.configMaps().inNamespace("crowded").withName("redis-config").get())
                .as("someone else's ConfigMap survives the clean-up").isNotNull()
                .satisfies(c -> assertThat(c.getData()).containsEntry("theirs", "kept"));
        assertThat(statefulSets("crowded")).isEmpty();
    }

    @Test
    void keepLeavesEverythingAndSaysHowToDeleteIt() {
        assertThat(new FailingWork("kept-demo").run(List.of("--keep"))).isEqualTo(Example.FAILED);

        assertThat(statefulSets("kept-demo")).contains("redis-master");
        assertThat(output()).contains("kept: kubectl -n kept-demo get pods", "kubectl delete namespace kept-demo");
        mock.namespaces().withName("kept-demo").delete();
    }

    @Test
    void keepInAPreexistingNamespaceNeverSuggestsDeletingIt() {
        mock.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("theirs").endMetadata().build())
                .create();

        new FailingWork("theirs").run(List.of("--keep"));

        assertThat(output()).contains("kubectl -n theirs delete statefulset,")
                .doesNotContain("delete namespace");
    }
}
