package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Control plane, fabric8's mock API server in CRUD mode: what update, delete and awaitReady do where a
 * real API server and StatefulSet controller would differ from a naive "write what differs" loop.
 */
@EnableKubernetesMockClient(crud = true)
class RedisDeploymentUpdateTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final DeployOptions MOCK = ControlPlane.MOCK_OPTIONS;

    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "update-" + (++namespaces);
    }

    private RedisReplicationSpec.Builder spec(String name) {
        return RedisKube.replication(name).namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"));
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    private static List<String> writes() throws InterruptedException {
        return ControlPlane.writes(ControlPlane.recordedRequests(server));
    }

    /** Plays the StatefulSet controller: creates the claim of the master pod, as it would. */
    private PersistentVolumeClaim createClaim(String instance, String size) {
        Map<String, String> labels = statefulSet(instance + "-master").getSpec().getVolumeClaimTemplates().get(0)
                .getMetadata().getLabels();
        return ControlPlane.createClaim(client, namespace, instance + "-master-0", labels, size);
    }

    private PersistentVolumeClaim claim(String instance) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName("data-" + instance + "-master-0").get();
    }

    /** Plays the StatefulSet controller: writes a status of the replica StatefulSet. */
    private void reportReplicaStatus(StatefulSetStatus status) {
        client.apps().statefulSets().inNamespace(namespace).withName("orders-replica").edit(s -> {
            s.setStatus(status);
            return s;
        });
    }

    private void reportMasterReady() {
        client.apps().statefulSets().inNamespace(namespace).withName("orders-master").edit(s -> {
            s.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
                    .withCurrentRevision("orders-master-1").withUpdateRevision("orders-master-1").build());
            return s;
        });
    }

    // 1. delete() of an attached handle

    @Test
    void deleteOfAnAttachedHandleKeepsTheVolumesOfAStorageDeployment() {
        RedisKube.deploy(client, spec("store").storage("1Gi").build(), MOCK);
        createClaim("store", "1Gi");

        RedisDeployment attached = RedisKube.attach(client, namespace, "store", MOCK);
        attached.close();
        assertThat(statefulSet("store-master")).as("closing an attached handle deletes nothing").isNotNull();

        attached.delete();

        assertThat(statefulSet("store-master")).isNull();
        assertThat(claim("store")).as("STORAGE keeps its data unless asked").isNotNull();
    }

    @Test
    void deleteOfAnAttachedHandleDeletesTheVolumesWhenTheDeploymentAsksForIt() {
        RedisKube.deploy(client, spec("store").storage(s -> s.size("1Gi").deleteVolumesOnDelete(true)).build(), MOCK);
        createClaim("store", "1Gi");

        RedisKube.attach(client, namespace, "store", MOCK).delete();

        assertThat(claim("store")).as("the StatefulSet's retention policy says Delete").isNull();
    }

    // 2. update() writes removals, and only them

    @Test
    void updateThatOnlyRemovesALimitWritesItOnceAndTheLiveObjectLosesIt() throws InterruptedException {
        RedisReplicationSpec limited = spec("orders").replica(n -> n.cpuLimit("2")).nodeSelector("disk", "ssd").build();
        RedisDeployment redis = RedisKube.deploy(client, limited, MOCK);
        writes();

        redis.update(spec("orders").nodeSelector("disk", "ssd").build());

        assertThat(writes()).singleElement().asString().startsWith("PUT").contains("/statefulsets/orders-replica");
        assertThat(statefulSet("orders-replica").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits()).doesNotContainKey("cpu");

        redis.update(spec("orders").build());

        assertThat(writes()).as("the node selector went from both StatefulSets").hasSize(2)
                .allMatch(w -> w.startsWith("PUT") && w.contains("/statefulsets/"));
        assertThat(statefulSet("orders-master").getSpec().getTemplate().getSpec().getNodeSelector())
                .isNullOrEmpty();

        redis.update(spec("orders").build());
        RedisKube.deploy(client, spec("orders").build(), MOCK);
        assertThat(writes()).as("unchanged: nothing written").isEmpty();
    }

    @Test
    void redeployRepairsAFieldAnotherWriterChanged() throws InterruptedException {
        RedisReplicationSpec spec = spec("orders").build();
        RedisKube.deploy(client, spec, MOCK);
        client.apps().statefulSets().inNamespace(namespace).withName("orders-replica").edit(s -> {
            s.getSpec().setReplicas(7);
            return s;
        });
        writes();

        RedisKube.deploy(client, spec, MOCK);

        assertThat(writes()).singleElement().asString().contains("/statefulsets/orders-replica");
        assertThat(statefulSet("orders-replica").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void theAppliedHashIsStableAndIgnoresItsOwnAnnotation() {
        var first = RedisKube.manifests(spec("orders").build()).get(0);
        var again = RedisKube.manifests(spec("orders").build()).get(0);

        assertThat(Applier.hash(first)).hasSize(64).isEqualTo(Applier.hash(again))
                .isEqualTo(Applier.hash(Applier.stamped(first)));
        assertThat(Applier.stamped(first).getMetadata().getAnnotations()).containsKey(Applier.APPLIED_HASH);
        assertThat(first.getMetadata().getAnnotations()).as("the caller's object is not changed")
                .satisfiesAnyOf(a -> assertThat(a).isNull(), a -> assertThat(a).doesNotContainKey(Applier.APPLIED_HASH));
    }

    @Test
    void quantitiesTheApiServerCanonicalizedStillMatch() {
        JsonNode desired = Serialization.jsonMapper().readTree("{\"resources\":{\"limits\":{\"memory\":\"1024Mi\"}}}");
        JsonNode canonical = Serialization.jsonMapper().readTree("{\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}");
        JsonNode larger = Serialization.jsonMapper().readTree("{\"resources\":{\"limits\":{\"memory\":\"2Gi\"}}}");
        JsonNode label = Serialization.jsonMapper().readTree("{\"labels\":{\"size\":\"1024Mi\"}}");
        JsonNode otherLabel = Serialization.jsonMapper().readTree("{\"labels\":{\"size\":\"1Gi\"}}");

        assertThat(Applier.subset(desired, canonical)).isTrue();
        assertThat(Applier.subset(desired, larger)).isFalse();
        assertThat(Applier.subset(label, otherLabel)).as("only quantity fields compare by amount").isFalse();
    }

    // 3. awaitReady waits for rollouts and scale-downs

    @Test
    void awaitReadyWaitsForARollingUpdateAndAScaleDownToFinish() {
        RedisDeployment redis = RedisKube.deploy(client, spec("orders").build(), MOCK);
        reportMasterReady();
        reportReplicaStatus(new StatefulSetStatusBuilder().withReplicas(2).withReadyReplicas(2).withUpdatedReplicas(1)
                .withCurrentRevision("orders-replica-1").withUpdateRevision("orders-replica-2").build());

        assertThatThrownBy(() -> redis.awaitReady(Duration.ofMillis(800)))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("replicas 2/2 ready (rolling update: 1 updated)");

        reportReplicaStatus(new StatefulSetStatusBuilder().withReplicas(3).withReadyReplicas(3).withUpdatedReplicas(2)
                .withCurrentRevision("orders-replica-2").withUpdateRevision("orders-replica-2").build());

        assertThatThrownBy(() -> redis.awaitReady(Duration.ofMillis(800)))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("replicas 3/2 ready (scaling down: 3 pods)");

        reportReplicaStatus(new StatefulSetStatusBuilder().withReplicas(2).withReadyReplicas(2).withUpdatedReplicas(2)
                .withCurrentRevision("orders-replica-2").withUpdateRevision("orders-replica-2").build());
        redis.awaitReady(Duration.ofSeconds(5));
    }

    // 4 and 6. a delete that does not finish names the kind it waits for

    @Test
    void deleteThatTimesOutNamesTheKindStillPresent() {
        RedisKube.deploy(client, spec("orders").build(), MOCK);
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata()
                    .withName("orders-pinned")
                    .withLabels(new Instance(client, namespace, "orders").selector())
                    .withFinalizers("example.com/keep")
                .endMetadata()
                .build()).create();
        RedisDeployment redis = RedisKube.attach(client, namespace, "orders",
                MOCK.withDeleteTimeout(Duration.ofMillis(800)));

        RedisKubeException e = catchThrowableOfType(RedisKubeException.class, redis::delete);

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.kind()).isEqualTo("ConfigMap");
        assertThat(e).hasMessageContaining("still has ConfigMap objects after PT0.8S");
        client.configMaps().inNamespace(namespace).withName("orders-pinned").edit(c -> {
            c.getMetadata().setFinalizers(List.of());
            return c;
        });
    }

    // 5. claim templates are immutable

    private void createStorageClass(String name) {
        ControlPlane.createStorageClass(client, name, true);
    }

    @Test
    void updateGrowsTheVolumesOfAStorageDeployment() {
        createStorageClass("expandable");
        RedisDeployment redis = RedisKube.deploy(client, spec("store")
                .storage(s -> s.size("1Gi").storageClass("expandable")).build(), MOCK);
        createClaim("store", "1Gi");

        redis.update(spec("store").storage(s -> s.size("3Gi").storageClass("expandable")).build());

        assertThat(claim("store").getSpec().getResources().getRequests().get("storage")).hasToString("3Gi");
        assertThat(statefulSet("store-replica").getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources()
                .getRequests().get("storage")).hasToString("3Gi");
        assertThat(redis.spec().storage().size()).isEqualTo("3Gi");
    }

    @Test
    void updateRefusesClaimTemplateChangesBeforeAnyWrite() throws InterruptedException {
        createStorageClass("expandable");
        RedisReplicationSpec stored = spec("store").storage(s -> s.size("2Gi").storageClass("expandable")).build();
        RedisDeployment redis = RedisKube.deploy(client, stored, MOCK);
        writes();

        assertThatThrownBy(() -> redis.update(stored.toBuilder().storage(s -> s.storageClass("fast")).build()))
                .isInstanceOf(RedisKubeException.class)
                .satisfies(e -> assertThat(((RedisKubeException) e).reason()).isEqualTo(Reason.REFUSED))
                .hasMessageContaining("storage.storageClass")
                .hasMessageContaining("from expandable to fast")
                .hasMessageContaining("claim templates are immutable")
                .hasMessageContaining("Fix: delete the deployment");
        assertThatThrownBy(() -> redis.update(stored.toBuilder().storage(s -> s.accessMode("ReadWriteOncePod"))
                .build()))
                .hasMessageContaining("storage.accessMode")
                .hasMessageContaining("from ReadWriteOnce to ReadWriteOncePod");
        assertThatThrownBy(() -> redis.update(stored.toBuilder().storage(s -> s.size("1Gi")).build()))
                .hasMessageContaining("storage.size")
                .hasMessageContaining("from 2Gi to 1Gi")
                .hasMessageContaining("volumes cannot shrink");
        assertThatThrownBy(() -> redis.update(stored.toBuilder().cache().build()))
                .hasMessageContaining("mode")
                .hasMessageContaining("from STORAGE to CACHE");
        assertThatThrownBy(() -> RedisKube.attach(client, namespace, "store", MOCK)
                .update(stored.toBuilder().storage(s -> s.storageClass("fast")).build()))
                .as("an attached handle compares with the live StatefulSet")
                .hasMessageContaining("from expandable to fast");

        assertThat(writes()).as("refused before any write").isEmpty();
        assertThat(redis.spec()).isEqualTo(stored);
    }
}
