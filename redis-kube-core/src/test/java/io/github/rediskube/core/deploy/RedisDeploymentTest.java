package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Control plane: fabric8's mock API server in CRUD mode. Nothing runs controllers there, so the
 * tests play the StatefulSet controller and the kubelet, writing status the way they would.
 */
@EnableKubernetesMockClient(crud = true)
class RedisDeploymentTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final DeployOptions MOCK = ControlPlane.MOCK_OPTIONS;

    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "tenant-" + (++namespaces);
    }

    private RedisReplicationSpec.Builder spec(String name) {
        return RedisKube.replication(name).namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"));
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    /** Plays the StatefulSet controller: reports every wanted pod ready. */
    private void reportReady(String name) {
        ControlPlane.reportReady(client, namespace, name + "-master");
        ControlPlane.reportReady(client, namespace, name + "-replica");
    }

    /** Plays the kubelet: a pod of the deployment with the given status. */
    private void createPod(String instance, String podName, String role,
                           io.fabric8.kubernetes.api.model.PodStatus status) {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(podName)
                    .withNamespace(namespace)
                    .withLabels(Map.of("app.kubernetes.io/name", "redis", "app.kubernetes.io/instance", instance,
                            "app.kubernetes.io/managed-by", "redis-kube", "app.kubernetes.io/component", role))
                .endMetadata()
                .withStatus(status)
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
    }

    private static List<String> recordedRequests() throws InterruptedException {
        return ControlPlane.recordedRequests(server);
    }

    private static List<String> writes(List<String> requests) {
        return ControlPlane.writes(requests);
    }

    @Test
    void deployAppliesEveryObjectAndAwaitSucceedsWhenTheControllerReportsReady() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").build(), MOCK);

        CompletableFuture<Void> controller = CompletableFuture.runAsync(() -> {
            sleep(300);
            reportReady("orders");
        });
        redis.awaitReady(Duration.ofSeconds(10));
        controller.join();

        assertThat(statefulSet("orders-master").getSpec().getReplicas()).isEqualTo(1);
        assertThat(statefulSet("orders-replica").getSpec().getReplicas()).isEqualTo(2);
        assertThat(client.services().inNamespace(namespace).list().getItems()).hasSize(3);
        assertThat(client.secrets().inNamespace(namespace).withName("orders-auth").get()).isNotNull();
    }

    @Test
    void everyObjectIsOwnedByTheConfigMapSoKubernetesGarbageCollectsThem() {
        RedisKube.deploy(client, spec("orders").build(), MOCK);
        String ownerUid = client.configMaps().inNamespace(namespace).withName("orders-config").get().getMetadata()
                .getUid();

        assertThat(ownerUid).isNotBlank();
        assertThat(objects("orders")).hasSize(9).allSatisfy(o -> {
            if (!o.getMetadata().getName().equals("orders-config")) {
                assertThat(o.getMetadata().getOwnerReferences()).as(o.getKind()).singleElement()
                        .satisfies(ref -> {
                            assertThat(ref.getKind()).isEqualTo("ConfigMap");
                            assertThat(ref.getUid()).isEqualTo(ownerUid);
                        });
            }
        });
    }

    @Test
    void awaitTimesOutNamingAnImagePullFailure() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").image("redis:does-not-exist").build(), MOCK);
        createPod("orders", "orders-master-0", "master", new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .addNewContainerStatus()
                    .withName("redis")
                    .withImage("redis:does-not-exist")
                    .withNewState()
                        .withNewWaiting()
                            .withReason("ImagePullBackOff")
                            .withMessage("Back-off pulling image \"redis:does-not-exist\"")
                        .endWaiting()
                    .endState()
                .endContainerStatus()
                .build());

        assertThatThrownBy(() -> redis.awaitReady(Duration.ofMillis(800)))
                .isInstanceOf(RedisKubeException.class)
                .satisfies(e -> assertThat(((RedisKubeException) e).reason()).isEqualTo(RedisKubeException.Reason.TIMEOUT))
                .hasMessageContaining("pod orders-master-0: image pull failure (ImagePullBackOff)")
                .hasMessageContaining("redis:does-not-exist")
                .hasMessageContaining("StatefulSet orders-replica: 0 of 2 pods exist");
    }

    @Test
    void awaitTimesOutNamingUnschedulablePods() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").master(n -> n.memoryLimit("64Gi")).build(),
                MOCK);
        createPod("orders", "orders-master-0", "master", new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Pending")
                .addNewCondition()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                .endCondition()
                .build());

        assertThatThrownBy(() -> redis.awaitReady(Duration.ofMillis(800)))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("pod orders-master-0: unschedulable: 0/3 nodes are available: 3 Insufficient memory.")
                .hasMessageContaining("master 0/1 ready");
    }

    @Test
    void scaleChangesOnlyTheReplicaCountAndPrunesTheBudgetAtZero() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").build(), MOCK);

        redis.scaleReplicas(3);
        assertThat(statefulSet("orders-replica").getSpec().getReplicas()).isEqualTo(3);
        assertThat(statefulSet("orders-master").getSpec().getReplicas()).isEqualTo(1);

        redis.scaleReplicas(0);
        assertThat(statefulSet("orders-replica").getSpec().getReplicas()).isZero();
        assertThat(client.resources(PodDisruptionBudget.class).inNamespace(namespace).list().getItems())
                .as("no replicas, no budget").isEmpty();
        assertThatThrownBy(() -> redis.scaleReplicas(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas must be between 0 and 32, was -1");
    }

    @Test
    void unchangedRedeployMakesNoWriteRequests() throws InterruptedException {
        RedisReplicationSpec spec = spec("orders").build();
        recordedRequests();
        RedisKube.deploy(client, spec, MOCK);
        assertThat(writes(recordedRequests())).as("first deploy: one write per object").hasSize(9)
                .allMatch(request -> request.startsWith("POST"));

        RedisKube.deploy(client, spec, MOCK);
        RedisKube.deploy(client, spec("orders").build(), MOCK);

        assertThat(writes(recordedRequests())).isEmpty();
    }

    @Test
    void updateWritesOnlyTheObjectWhoseFieldChanged() throws InterruptedException {
        RedisReplicationSpec spec = spec("orders").build();
        RedisDeployment redis = RedisKube.deploy(client, spec, MOCK);
        recordedRequests();

        redis.update(spec.toBuilder().replica(n -> n.cpuLimit("2")).build());

        assertThat(writes(recordedRequests())).singleElement().asString()
                .startsWith("PUT").contains("/statefulsets/orders-replica");
        assertThat(statefulSet("orders-replica").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits()).containsKey("cpu");
        assertThat(statefulSet("orders-master").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits()).doesNotContainKey("cpu");
    }

    @Test
    void deletingOneDeploymentLeavesEveryObjectOfAnotherInTheSameNamespaceUnchanged() {
        RedisDeployment orders = RedisKube.deploy(client, spec("orders").build(), MOCK);
        RedisKube.deploy(client, spec("carts").build(), MOCK);
        Map<String, String> cartsBefore = snapshot("carts");

        orders.delete();

        assertThat(snapshot("orders")).isEmpty();
        assertThat(snapshot("carts")).hasSize(9).isEqualTo(cartsBefore);
    }

    @Test
    void closeWithoutTheEphemeralWordKeepsCacheAndStorageDeploymentsWhole() {
        try (RedisDeployment cache = RedisKube.deploy(client, spec("cache").build(), MOCK)) {
            assertThat(snapshot("cache")).hasSize(9);
        }
        Map<String, String> cacheAfter = snapshot("cache");
        RedisDeployment store = RedisKube.deploy(client, spec("store").storage("1Gi").build(), MOCK);
        createClaim("store");
        Map<String, String> storeBefore = snapshot("store");
        store.close();

        assertThat(cacheAfter).as("a CACHE deployment closed without ephemeral keeps running").hasSize(9);
        assertThat(snapshot("store")).as("a STORAGE deployment closed without ephemeral is untouched")
                .isEqualTo(storeBefore);
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName("data-store-master-0").get())
                .isNotNull();
    }

    @Test
    void closeOfAnEphemeralDeploymentBurnsItWithItsVolumes() {
        DeployOptions burnAfterUse = MOCK.withEphemeral(true);
        try (RedisDeployment cache = RedisKube.deploy(client, spec("cache").build(), burnAfterUse)) {
            assertThat(snapshot("cache")).hasSize(9);
        }
        RedisDeployment store = RedisKube.deploy(client, spec("store").storage("1Gi").build(), burnAfterUse);
        createClaim("store");
        store.close();

        assertThat(snapshot("cache")).isEmpty();
        assertThat(snapshot("store")).isEmpty();
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName("data-store-master-0").get())
                .as("burned after use: the volumes go too").isNull();
    }

    @Test
    void deleteKeepsTheVolumesOfStorageUnlessAsked() {
        RedisDeployment store = RedisKube.deploy(client, spec("store").storage("1Gi").build(), MOCK);
        createClaim("store");

        store.delete();

        assertThat(snapshot("store")).isEmpty();
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName("data-store-master-0").get())
                .as("STORAGE keeps its data unless asked").isNotNull();
    }

    /** Plays the StatefulSet controller: the master's claim, labelled from the claim template. */
    private void createClaim(String instance) {
        client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName("data-" + instance + "-master-0")
                    .withLabels(statefulSet(instance + "-master").getSpec().getVolumeClaimTemplates().get(0)
                            .getMetadata().getLabels())
                .endMetadata()
                .build()).create();
    }

    @Test
    void statusNamesTheEndpointsAClientNeeds() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").exposeNodePorts(32379, 32380).build(), MOCK);

        DeploymentStatus status = redis.status();

        assertThat(status.masterHost()).isEqualTo("orders-master." + namespace + ".svc.cluster.local");
        assertThat(status.replicaHost()).isEqualTo("orders-replica." + namespace + ".svc.cluster.local");
        assertThat(status.replicaPodHosts()).containsExactly(
                "orders-replica-0.orders-headless." + namespace + ".svc.cluster.local",
                "orders-replica-1.orders-headless." + namespace + ".svc.cluster.local");
        assertThat(status.masterNodePort()).isEqualTo(32379);
        assertThat(status.replicaNodePort()).isEqualTo(32380);
        assertThat(status.secretName()).isEqualTo("orders-auth");
        assertThat(status.secretKey()).isEqualTo("password");
        assertThat(status.ready()).isFalse();
    }

    @Test
    void attachFindsAnExistingDeploymentAndRefusesAMissingOne() {
        RedisKube.deploy(client, spec("orders").build(), MOCK);

        RedisDeployment attached = RedisKube.attach(client, namespace, "orders", MOCK);
        attached.scaleReplicas(4);
        attached.close();

        assertThat(statefulSet("orders-replica").getSpec().getReplicas()).isEqualTo(4);
        assertThat(snapshot("orders")).as("an attached handle deletes nothing on close").hasSize(9);
        assertThatThrownBy(() -> RedisKube.attach(client, namespace, "nope", MOCK))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("no redis-kube deployment " + namespace + "/nope");
    }

    private void createStorageClass(String name, boolean expandable) {
        ControlPlane.createStorageClass(client, name, expandable);
    }

    /** Plays the StatefulSet controller: the claims of every pod of a STORAGE deployment. */
    private void createClaims(String instance, String size, int replicas) {
        StatefulSet master = statefulSet(instance + "-master");
        Map<String, String> labels = master.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getLabels();
        List<String> pods = new ArrayList<>(List.of(instance + "-master-0"));
        for (int i = 0; i < replicas; i++) {
            pods.add(instance + "-replica-" + i);
        }
        for (String pod : pods) {
            Map<String, String> claimLabels = new java.util.HashMap<>(labels);
            claimLabels.put("app.kubernetes.io/component", pod.contains("-master-") ? "master" : "replica");
            ControlPlane.createClaim(client, namespace, pod, claimLabels, size);
            createPod(instance, pod, claimLabels.get("app.kubernetes.io/component"),
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
        }
    }

    private List<String> claimSizes() {
        return client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .map(c -> c.getSpec().getResources().getRequests().get("storage").toString()).toList();
    }

    @Test
    void resizeGrowsEveryClaimAndTheClaimTemplateWithoutTouchingPods() {
        createStorageClass("expandable", true);
        RedisDeployment redis = RedisKube.deploy(client, spec("store")
                .storage(s -> s.size("1Gi").storageClass("expandable")).build(), MOCK);
        createClaims("store", "1Gi", 2);
        List<String> podUids = client.pods().inNamespace(namespace).list().getItems().stream()
                .map(p -> p.getMetadata().getUid()).toList();

        redis.resizeStorage("5Gi");

        assertThat(claimSizes()).hasSize(3).containsOnly("5Gi");
        for (String sts : List.of("store-master", "store-replica")) {
            assertThat(statefulSet(sts).getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources()
                    .getRequests().get("storage").toString()).as(sts).isEqualTo("5Gi");
        }
        assertThat(client.pods().inNamespace(namespace).list().getItems()).extracting(p -> p.getMetadata().getUid())
                .as("pods keep running through the StatefulSets' orphan re-creation").containsExactlyElementsOf(podUids);
        assertThat(redis.spec().storage().size()).isEqualTo("5Gi");
    }

    @Test
    void resizeRefusesToShrinkAndRefusesAStorageClassWithoutExpansion() {
        createStorageClass("fixed", false);
        RedisDeployment fixed = RedisKube.deploy(client, spec("fixed")
                .storage(s -> s.size("2Gi").storageClass("fixed")).build(), MOCK);
        createClaims("fixed", "2Gi", 0);

        assertThatThrownBy(() -> fixed.resizeStorage("1Gi"))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("volumes cannot shrink: storage.size is 2Gi, asked 1Gi");
        assertThatThrownBy(() -> fixed.resizeStorage("4Gi"))
                .isInstanceOf(RedisKubeException.class)
                .satisfies(e -> assertThat(((RedisKubeException) e).reason()).isEqualTo(RedisKubeException.Reason.REFUSED))
                .hasMessageContaining("StorageClass fixed (fixed) does not allow volume expansion")
                .hasMessageContaining("allowVolumeExpansion: true");
        assertThat(claimSizes()).containsOnly("2Gi");
        assertThatThrownBy(() -> RedisKube.deploy(client, spec("cache").build(), MOCK).resizeStorage("2Gi"))
                .isInstanceOf(RedisKubeException.class).hasMessageContaining("CACHE (emptyDir) deployment");
    }

    /** Kind/name -> resourceVersion of every object of an instance. */
    private Map<String, String> snapshot(String instance) {
        Map<String, String> versions = new java.util.TreeMap<>();
        for (HasMetadata object : objects(instance)) {
            versions.put(object.getKind() + "/" + object.getMetadata().getName(),
                    object.getMetadata().getResourceVersion());
        }
        return versions;
    }

    /** Every object of an instance, of the kinds a deployment renders. */
    private List<HasMetadata> objects(String instance) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : List.of(StatefulSet.class, PodDisruptionBudget.class,
                io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
                io.fabric8.kubernetes.api.model.Service.class, io.fabric8.kubernetes.api.model.ConfigMap.class,
                io.fabric8.kubernetes.api.model.Secret.class)) {
            objects.addAll(client.resources(kind).inNamespace(namespace)
                    .withLabel("app.kubernetes.io/instance", instance).list().getItems());
        }
        return objects;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
