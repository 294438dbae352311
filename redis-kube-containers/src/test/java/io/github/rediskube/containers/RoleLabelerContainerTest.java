package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sentinel mode's role-labeler sidecar (kubectl from Debian's kubernetes-client, in the second test image)
 * against fabric8's mock API server, reached from the pods over TLS at the podman network's gateway with the
 * service-account token and CA mounted where the pod expects them: the master Service's selector follows the
 * failover. Redis is Debian's 7.0.15.
 */
class RoleLabelerContainerTest {

    private static final Duration FAILOVER = Duration.ofSeconds(90);

    @Test
    void theMasterServiceSelectsTheNewMasterAfterAFailoverAndTheRejoinedExMasterIsLabelledReplica() {
        Podman.require();
        TestImages images = TestImages.get();
        RedisReplicationSpec spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("256Mi"))
                .sentinel(s -> s.downAfter(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(5))
                        .labelerImage(images.kubectl()))
                .image(images.redis())
                .imagePullPolicy("Never")
                .build();
        RedisClient client = RedisClient.create();
        try (PodmanCluster cluster = PodmanCluster.create();
             MockApiServer api = MockApiServer.start(cluster.gateway())) {
            List<HasMetadata> objects = spec.manifests();
            cluster.play(objects, new PodmanCluster.Options("cluster.local", api.address(),
                    api.serviceAccountFiles(spec.namespace())));
            // what the StatefulSet controller would have created in the API server
            for (KubeletPods.Planned pod : cluster.pods().values()) {
                api.client().pods().inNamespace(spec.namespace()).resource(pod.original()).create();
            }
            RedisPods redis = new RedisPods(cluster, client, spec.auth().password());
            Map<String, String> selector = selector(objects, spec.names().of(Role.MASTER));
            Map<String, String> replicaSelector = selector(objects, spec.names().of(Role.REPLICA));

            cluster.await("every Redis pod ready (labelled as its role) and the master Service on the master", FAILOVER,
                    () -> redis.settled() && redis.names().stream().allMatch(cluster::ready)
                            && selected(api, spec, selector).equals(List.of(redis.masterOrNull())),
                    () -> redis.roles() + "; master Service selects " + selected(api, spec, selector)
                            + "; labels " + labels(api, spec));
            String exMaster = redis.master();

            cluster.kill(exMaster, "redis");
            cluster.await("a replica promoted and the master Service selecting it", FAILOVER,
                    () -> {
                        String master = redis.masterOrNull();
                        return master != null && !master.equals(exMaster)
                                && selected(api, spec, selector).equals(List.of(master));
                    },
                    () -> redis.roles() + "; master Service selects " + selected(api, spec, selector));
            String newMaster = redis.master();
            if (!cluster.inspect(exMaster, "redis", "{{.State.Running}}").equals("true")) {
                cluster.restart(exMaster, "redis");
            }
            cluster.await(exMaster + " back as a linked replica, labelled replica, ready", FAILOVER,
                    () -> redis.role(exMaster).equals("slave") && redis.linked(exMaster) && cluster.ready(exMaster)
                            && selected(api, spec, replicaSelector).contains(exMaster),
                    () -> redis.roles() + "; replica Service selects " + selected(api, spec, replicaSelector)
                            + "; labels " + labels(api, spec));
            assertThat(selected(api, spec, selector)).as("the master Service's pods").containsExactly(newMaster);
            assertThat(selected(api, spec, replicaSelector)).as("the replica Service's pods")
                    .containsExactlyInAnyOrderElementsOf(redis.names().stream().filter(p -> !p.equals(newMaster)).toList());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static Map<String, String> selector(List<HasMetadata> objects, String service) {
        return objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + service + " rendered")).getSpec().getSelector();
    }

    /** @return the pods the Service's selector matches in the API server, as its Endpoints would list them */
    private static List<String> selected(MockApiServer api, RedisReplicationSpec spec, Map<String, String> selector) {
        return api.client().pods().inNamespace(spec.namespace()).withLabels(selector).list().getItems().stream()
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private static Map<String, Map<String, String>> labels(MockApiServer api, RedisReplicationSpec spec) {
        Map<String, Map<String, String>> labels = new java.util.TreeMap<>();
        for (Pod pod : api.client().pods().inNamespace(spec.namespace()).list().getItems()) {
            labels.put(pod.getMetadata().getName(), pod.getMetadata().getLabels());
        }
        return labels;
    }
}
