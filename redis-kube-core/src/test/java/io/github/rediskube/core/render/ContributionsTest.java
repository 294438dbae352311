package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A feature is one contribution plus its registration: a metrics-like sidecar, written here against the
 * {@link Contribution} interface only, reaches every pod, Service and the NetworkPolicy, and leaves the rest as it was.
 */
class ContributionsTest {

    private static final int METRICS_PORT = 9121;

    /** What a metrics feature would add: a sidecar in every pod, its port on every Service and in the policy, a monitor. */
    private static final class Exporter implements Contribution {

        @Override
        public boolean appliesTo(RedisReplicationSpec spec) {
            return true;
        }

        @Override
        public void pod(RedisReplicationSpec spec, PodDraft pod) {
            pod.add(Containers.restricted(spec, "exporter", "example/exporter:1")
                    .addNewPort()
                        .withName("metrics")
                        .withContainerPort(METRICS_PORT)
                    .endPort()
                    .withResources(Containers.small("10m", "32Mi")));
        }

        @Override
        public List<ServicePort> servicePorts(RedisReplicationSpec spec, PodDraft.Kind kind) {
            return List.of(Services.port("metrics", METRICS_PORT));
        }

        @Override
        public List<Integer> ingressPorts(RedisReplicationSpec spec) {
            return List.of(METRICS_PORT);
        }

        @Override
        public List<HasMetadata> objects(RedisReplicationSpec spec) {
            return List.of(new GenericKubernetesResourceBuilder()
                    .withApiVersion("monitoring.coreos.com/v1")
                    .withKind("ServiceMonitor")
                    .withMetadata(Labels.metadata(spec, spec.name(), Labels.common(spec)))
                    .build());
        }
    }

    private static RedisReplicationSpec sentinel() {
        return RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3)).build();
    }

    private static List<HasMetadata> withExporter(RedisReplicationSpec spec) {
        List<Contribution> registered = new ArrayList<>(Contributions.REGISTERED);
        registered.add(new Exporter());
        return Contributions.render(spec, registered);
    }

    @Test
    void aRegisteredSidecarContributionRunsInEveryRedisAndSentinelPodAfterTheirOwnContainers() {
        List<HasMetadata> objects = withExporter(sentinel());

        List<StatefulSet> workloads = objects.stream().filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast).toList();
        assertThat(workloads).hasSize(3).allSatisfy(sts -> {
            List<Container> containers = sts.getSpec().getTemplate().getSpec().getContainers();
            assertThat(containers.get(containers.size() - 1).getName()).isEqualTo("exporter");
            assertThat(containers).hasSizeGreaterThan(1);
        });
    }

    @Test
    void aContributionsPortsReachEveryServiceAndTheNetworkPolicy() {
        List<HasMetadata> objects = withExporter(sentinel());

        assertThat(objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList())
                .hasSize(5)
                .allSatisfy(s -> assertThat(s.getSpec().getPorts()).extracting(ServicePort::getName).endsWith("metrics"));
        NetworkPolicy policy = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .findFirst().orElseThrow();
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).extracting(NetworkPolicyPort::getPort)
                .containsExactly(new IntOrString(6379), new IntOrString(26379), new IntOrString(METRICS_PORT));
    }

    @Test
    void objectsOfKindsOutsideTheApplyOrderComeLastAndObjectsTheSidecarDoesNotTouchStayAsTheyWere() {
        RedisReplicationSpec spec = sentinel();
        List<HasMetadata> plain = RedisManifests.render(spec);

        List<HasMetadata> objects = withExporter(spec);

        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyElementsOf(
                concat(plain.stream().map(HasMetadata::getKind).toList(), "ServiceMonitor"));
        for (int i = 0; i < plain.size(); i++) {
            HasMetadata before = plain.get(i);
            if (!(before instanceof StatefulSet || before instanceof Service || before instanceof NetworkPolicy)) {
                assertThat(Serialization.asYaml(objects.get(i))).as("%s %s", before.getKind(), before.getMetadata().getName())
                        .isEqualTo(Serialization.asYaml(before));
            }
        }
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }
}
