package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Control plane, Sentinel mode: fabric8's mock API server in CRUD mode. The tests play the StatefulSet
 * controller (pods from the templates, ready status) and the role-label sidecar (patching
 * {@code rediskube.github.io/role} the way {@code kubectl label --overwrite} does), and check that the
 * master Service follows the label across a failover.
 */
@EnableKubernetesMockClient(crud = true)
class SentinelDeploymentTest {

    static KubernetesClient client;

    private static final DeployOptions MOCK = ControlPlane.MOCK_OPTIONS;
    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "ha-" + (++namespaces);
    }

    private RedisReplicationSpec spec() {
        return RedisKube.replication("orders").namespace(namespace).replicas(2)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"))
                .sentinel(s -> s.sentinels(3))
                .build();
    }

    /** Plays the StatefulSet controller: one pod per wanted replica, with the template's labels. */
    private void createPods(String statefulSet) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).get();
        for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
            Pod pod = new PodBuilder()
                    .withNewMetadata()
                        .withName(statefulSet + "-" + i)
                        .withNamespace(namespace)
                        .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels())
                    .endMetadata()
                    .build();
            client.pods().inNamespace(namespace).resource(pod).create();
        }
    }

    /** Plays the role-label sidecar of one pod. */
    private void label(String pod, String role) {
        client.pods().inNamespace(namespace).withName(pod).edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels(RedisManifests.roleLabel(), role).endMetadata().build());
    }

    private List<String> selectedBy(String service) {
        Map<String, String> selector = client.services().inNamespace(namespace).withName(service).get().getSpec()
                .getSelector();
        return client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private void reportReady(String statefulSet, int ready) {
        ControlPlane.reportStatus(client, namespace, statefulSet, ready);
    }

    @Test
    void aStorageSentinelStatefulSetWithoutItsStateVolumeIsRecreatedNotPatched() {
        RedisReplicationSpec storage = spec().toBuilder().storage("1Gi").build();
        StatefulSet earlier = RedisKube.manifests(storage).stream()
                .filter(o -> o instanceof StatefulSet && o.getMetadata().getName().equals("orders-sentinel"))
                .map(StatefulSet.class::cast).findFirst().orElseThrow();
        earlier.getSpec().setVolumeClaimTemplates(List.of());   // as an earlier version rendered it
        earlier.getMetadata().setNamespace(namespace);
        String earlierUid = client.resource(earlier).create().getMetadata().getUid();

        RedisKube.deploy(client, storage, MOCK);

        StatefulSet now = client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get();
        assertThat(now.getMetadata().getUid()).as("re-created: claim templates cannot change in place")
                .isNotEqualTo(earlierUid);
        assertThat(now.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
                .containsExactly("data");
        String uid = now.getMetadata().getUid();
        RedisKube.deploy(client, storage, MOCK);
        assertThat(client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get()
                .getMetadata().getUid()).as("left alone when its claims already match").isEqualTo(uid);
    }

    @Test
    void masterServiceFollowsTheRoleLabelAcrossAFailover() {
        RedisKube.deploy(client, spec(), MOCK);
        for (String sts : List.of("orders-master", "orders-replica", "orders-sentinel")) {
            createPods(sts);
        }
        assertThat(selectedBy("orders-master")).as("no pod is labelled before its sidecar runs").isEmpty();

        label("orders-master-0", "master");
        label("orders-replica-0", "replica");
        label("orders-replica-1", "replica");
        assertThat(selectedBy("orders-master")).containsExactly("orders-master-0");
        assertThat(selectedBy("orders-replica")).containsExactly("orders-replica-0", "orders-replica-1");
        assertThat(selectedBy("orders-sentinel"))
                .containsExactly("orders-sentinel-0", "orders-sentinel-1", "orders-sentinel-2");

        // the Sentinels promote replica-1; each pod's sidecar relabels it from its server's live role
        label("orders-replica-1", "master");
        label("orders-master-0", "replica");

        assertThat(selectedBy("orders-master")).containsExactly("orders-replica-1");
        assertThat(selectedBy("orders-replica")).containsExactly("orders-master-0", "orders-replica-0");
    }

    @Test
    void deployAppliesTheLabelersMinimalRbacAndDeleteRemovesEverything() {
        RedisDeployment redis = RedisKube.deploy(client, spec(), MOCK);

        ServiceAccount account = client.serviceAccounts().inNamespace(namespace).withName("orders-role-labeler").get();
        Role role = client.rbac().roles().inNamespace(namespace).withName("orders-role-labeler").get();
        RoleBinding binding = client.rbac().roleBindings().inNamespace(namespace).withName("orders-role-labeler").get();
        Service sentinels = client.services().inNamespace(namespace).withName("orders-sentinel").get();
        assertThat(account).isNotNull();
        assertThat(role.getRules()).singleElement().satisfies(rule -> assertThat(rule.getVerbs())
                .containsExactly("get", "patch"));
        assertThat(binding.getRoleRef().getName()).isEqualTo("orders-role-labeler");
        assertThat(sentinels.getSpec().getPorts().get(0).getPort()).isEqualTo(26379);
        assertThat(role.getMetadata().getOwnerReferences()).as("garbage-collected with the ConfigMap")
                .singleElement().satisfies(ref -> assertThat(ref.getName()).isEqualTo("orders-config"));

        redis.delete();

        assertThat(client.serviceAccounts().inNamespace(namespace).withName("orders-role-labeler").get()).isNull();
        assertThat(client.rbac().roles().inNamespace(namespace).withName("orders-role-labeler").get()).isNull();
        assertThat(client.rbac().roleBindings().inNamespace(namespace).withName("orders-role-labeler").get()).isNull();
        assertThat(client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get()).isNull();
    }

    @Test
    void awaitReadyWaitsForTheSentinelsToo() {
        RedisDeployment redis = RedisKube.deploy(client, spec(), MOCK);
        reportReady("orders-master", 1);
        reportReady("orders-replica", 2);
        reportReady("orders-sentinel", 1);

        assertThatThrownBy(() -> redis.awaitReady(Duration.ofSeconds(2)))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("not ready");

        reportReady("orders-sentinel", 3);
        redis.awaitReady(Duration.ofSeconds(5));
    }

    private List<String> names(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        return client.resources(kind).inNamespace(namespace).list().getItems().stream()
                .map(o -> o.getMetadata().getName()).sorted().toList();
    }

    @Test
    void switchingSentinelOnAndOffPrunesTheBudgetsAndServicesNoLongerRendered() {
        RedisReplicationSpec plain = spec().toBuilder().sentinel((io.github.rediskube.core.spec.SentinelSpec) null)
                .build();
        RedisDeployment redis = RedisKube.deploy(client, plain, MOCK);
        assertThat(names(PodDisruptionBudget.class)).containsExactly("orders-replica");

        redis.update(spec());

        assertThat(names(PodDisruptionBudget.class)).as("master-0 is covered too")
                .containsExactly("orders-redis", "orders-sentinel");
        assertThat(names(Service.class)).contains("orders-sentinel", "orders-sentinel-headless");
        assertThat(client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get().getSpec()
                .getServiceName()).isEqualTo("orders-sentinel-headless");

        redis.update(plain);

        assertThat(names(PodDisruptionBudget.class)).containsExactly("orders-replica");
        assertThat(names(Service.class)).doesNotContain("orders-sentinel", "orders-sentinel-headless");
    }

    @Test
    void aSentinelStatefulSetOnTheRedisHeadlessServiceIsRecreatedOnItsOwnKeepingItsPods() {
        RedisKube.deploy(client, spec(), MOCK);
        createPods("orders-sentinel");
        // as deployed by a version before the Sentinels had their own headless Service
        client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel")
                .edit(sts -> new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder(sts).editSpec()
                        .withServiceName("orders-headless").endSpec().editMetadata()
                        .removeFromAnnotations("rediskube.github.io/applied-hash").endMetadata().build());
        String before = client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get()
                .getMetadata().getUid();

        RedisDeployment redis = RedisKube.deploy(client, spec(), MOCK);

        StatefulSet after = client.apps().statefulSets().inNamespace(namespace).withName("orders-sentinel").get();
        assertThat(after.getSpec().getServiceName()).isEqualTo("orders-sentinel-headless");
        assertThat(after.getMetadata().getUid()).as("re-created: a real API server refuses to change serviceName")
                .isNotEqualTo(before);
        assertThat(names(Pod.class)).as("orphaned, not deleted: the new StatefulSet adopts and rolls them")
                .containsExactly("orders-sentinel-0", "orders-sentinel-1", "orders-sentinel-2");
        assertThat(redis.status().pods()).filteredOn(p -> "sentinel".equals(p.role()))
                .extracting(DeploymentStatus.PodState::host).containsExactly(
                        "orders-sentinel-0.orders-sentinel-headless." + namespace + ".svc.cluster.local",
                        "orders-sentinel-1.orders-sentinel-headless." + namespace + ".svc.cluster.local",
                        "orders-sentinel-2.orders-sentinel-headless." + namespace + ".svc.cluster.local");
    }
}
