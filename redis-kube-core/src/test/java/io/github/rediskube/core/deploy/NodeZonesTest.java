package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Control plane: {@link RedisDeployment#nodeZones()} on fabric8's mock API server, the test playing the scheduler
 * (a pod's {@code spec.nodeName}) and the cloud provider (a node's zone label).
 */
@EnableKubernetesMockClient(crud = true)
class NodeZonesTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final AtomicInteger TESTS = new AtomicInteger();

    /** A namespace per test (JUnit makes an instance per test method). */
    private final String namespace = "zones-" + TESTS.incrementAndGet();

    private RedisDeployment deploy(RedisReplicationSpec.Builder spec) {
        return RedisKube.deploy(client, spec.namespace(namespace)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build(),
                ControlPlane.MOCK_OPTIONS);
    }

    /** Plays the cloud provider: a node, with a zone label unless {@code zone} is null. */
    private static void node(String name, @Nullable String zone) {
        Map<String, String> labels = new HashMap<>(Map.of("kubernetes.io/hostname", name));
        if (zone != null) {
            labels.put("topology.kubernetes.io/zone", zone);
        }
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).createOr(n -> n.update());
    }

    /** Plays the StatefulSet controller and the scheduler: a pod of {@code instance}, bound to {@code node}. */
    private void pod(String instance, String name, String component, @Nullable String node) {
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withLabels(Map.of("app.kubernetes.io/name", "redis", "app.kubernetes.io/instance", instance,
                            "app.kubernetes.io/managed-by", "redis-kube", "app.kubernetes.io/component", component))
                .endMetadata()
                .withNewSpec()
                    .withNodeName(node)
                .endSpec()
                .build()).createOr(p -> p.update());
    }

    private String host(String pod) {
        return pod + ".orders-headless." + namespace + ".svc.cluster.local";
    }

    @Test
    void readsEachRedisPodsZoneFromItsNodeKeyedByTheHostThePodAnnounces() {
        RedisDeployment orders = deploy(RedisKube.replication("orders").replicas(3).sentinel(s -> s.sentinels(3)));
        node("node-a1", "zone-a");
        node("node-a2", "zone-a");
        node("node-b1", "zone-b");
        node("node-plain", null);
        pod("orders", "orders-master-0", "master", "node-a1");
        pod("orders", "orders-replica-0", "replica", "node-a2");
        pod("orders", "orders-replica-1", "replica", "node-b1");
        pod("orders", "orders-replica-2", "replica", null);               // pending: not scheduled yet
        pod("orders", "orders-sentinel-0", "sentinel", "node-b1");        // not a Redis pod
        pod("payments", "payments-replica-0", "replica", "node-a1");      // another instance
        pod("orders", "orders-replica-3", "replica", "node-plain");       // a node without the zone label

        Map<String, String> zones = orders.nodeZones();

        assertThat(zones).containsExactly(
                Map.entry(host("orders-master-0"), "zone-a"),
                Map.entry(host("orders-replica-0"), "zone-a"),
                Map.entry(host("orders-replica-1"), "zone-b"));
        assertThat(orders.status().replicaPodHosts()).as("the hosts RedisEndpoints.of(deployment) reads from")
                .startsWith(host("orders-replica-0"), host("orders-replica-1"));
    }

    @Test
    void aPodThatMovedIsSeenInItsNewZoneAtTheNextRead() {
        RedisDeployment orders = deploy(RedisKube.replication("orders").replicas(1));
        node("node-a1", "zone-a");
        node("node-c1", "zone-c");
        pod("orders", "orders-master-0", "master", "node-a1");
        pod("orders", "orders-replica-0", "replica", "node-a1");
        assertThat(orders.nodeZones()).containsEntry(host("orders-replica-0"), "zone-a");

        client.pods().inNamespace(namespace).withName("orders-replica-0").delete();   // evicted, rescheduled
        pod("orders", "orders-replica-0", "replica", "node-c1");

        assertThat(orders.nodeZones()).containsExactly(Map.entry(host("orders-master-0"), "zone-a"),
                Map.entry(host("orders-replica-0"), "zone-c"));
    }

    @Test
    void aCallerThatMayNotReadNodesIsToldWhichClusterRoleToBind() {
        RedisDeployment orders = deploy(RedisKube.replication("orders").replicas(1));
        pod("orders", "orders-master-0", "master", "node-secret");
        server.expect().get().withPath("/api/v1/nodes/node-secret").andReturn(403, new StatusBuilder()
                .withStatus("Failure").withCode(403).withReason("Forbidden")
                .withMessage("nodes \"node-secret\" is forbidden: User \"system:serviceaccount:" + namespace
                        + ":app\" cannot get resource \"nodes\" in API group \"\" at the cluster scope")
                .build()).once();

        assertThatThrownBy(orders::nodeZones)
                .isInstanceOfSatisfying(RedisKubeException.class,
                        e -> assertThat(e.reason()).isEqualTo(RedisKubeException.Reason.FORBIDDEN))
                .hasMessageContaining("Node node-secret")
                .hasMessageContaining("cluster-scoped")
                .hasMessageContaining("RbacManifests.nodeZoneReader(namespace, serviceAccount)");
    }
}
