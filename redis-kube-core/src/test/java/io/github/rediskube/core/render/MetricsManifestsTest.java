package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.Exposure;
import io.github.rediskube.core.spec.Metrics;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link MetricsContribution} adds: the exporter sidecar, its ports, and the ServiceMonitor when asked. */
class MetricsManifestsTest {

    private static RedisReplicationSpec sentinelWithMetrics() {
        return RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3)).metrics(m -> { }).build();
    }

    private static List<StatefulSet> statefulSets(List<HasMetadata> objects) {
        return objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast).toList();
    }

    private static Container exporter(StatefulSet sts) {
        return sts.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(MetricsContribution.CONTAINER)).findFirst().orElseThrow();
    }

    @Test
    void everyRedisAndSentinelPodRunsThePinnedExporterAgainstItsOwnServerWithANamedMetricsPort() {
        List<StatefulSet> workloads = statefulSets(RedisManifests.render(sentinelWithMetrics()));

        assertThat(workloads).hasSize(3).allSatisfy(sts -> {
            Container exporter = exporter(sts);
            boolean sentinel = sts.getMetadata().getName().endsWith("-sentinel");
            assertThat(exporter.getImage()).isEqualTo(Metrics.DEFAULT_IMAGE).contains(":v1.");
            assertThat(exporter.getArgs()).containsExactly(
                    "--redis.addr=redis://127.0.0.1:" + (sentinel ? 26379 : 6379), "--web.listen-address=:9121",
                    "--config-command=-", "--redis.user=rediskube-metrics");
            assertThat(exporter.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("metrics", 9121));
            assertThat(exporter.getResources().getRequests()).containsEntry("cpu", new Quantity("10m"))
                    .containsEntry("memory", new Quantity("32Mi"));
            assertThat(exporter.getResources().getLimits()).containsEntry("memory", new Quantity("32Mi"));
        });
    }

    @Test
    void theExporterIsRestartedWhenItStopsAnsweringButNeverTakesItsPodOutOfTheServices() {
        for (StatefulSet sts : statefulSets(RedisManifests.render(sentinelWithMetrics()))) {
            Container exporter = exporter(sts);
            assertThat(exporter.getReadinessProbe()).as(sts.getMetadata().getName()).isNull();
            assertThat(exporter.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
            assertThat(exporter.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
            assertThat(exporter.getLivenessProbe().getFailureThreshold()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theExporterLogsInAsItsOwnUserWhosePasswordIsInItsOwnSecretAndThePodSpecNeverHoldsIt() {
        RedisReplicationSpec spec = sentinelWithMetrics();
        List<HasMetadata> objects = RedisManifests.render(spec);

        Secret secret = objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast)
                .filter(s -> s.getMetadata().getName().equals(spec.names().metricsSecret())).findFirst().orElseThrow();
        assertThat(spec.exporterPassword()).isNotNull();
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8))
                .isEqualTo(spec.exporterPassword());
        assertThat(spec.toString()).doesNotContain(spec.exporterPassword()).contains("exporterPassword=<hidden>");
        for (StatefulSet sts : statefulSets(objects)) {
            List<EnvVar> env = exporter(sts).getEnv();
            assertThat(env).singleElement().satisfies(var -> {
                assertThat(var.getName()).isEqualTo("REDIS_PASSWORD");
                assertThat(var.getValue()).isNull();
                assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo(spec.names().metricsSecret());
                assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            });
            // the server's (or Sentinel's) own container gets the file its scripts write the user line from
            Container main = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(main.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                    org.assertj.core.groups.Tuple.tuple("REDIS_METRICS_USER", "rediskube-metrics"),
                    org.assertj.core.groups.Tuple.tuple("REDIS_METRICS_PASSWORD_FILE", "/etc/redis-kube-metrics/password"));
            assertThat(main.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("metrics-auth");
                assertThat(m.getReadOnly()).isTrue();
            });
            assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("metrics-auth");
                assertThat(v.getSecret().getSecretName()).isEqualTo(spec.names().metricsSecret());
                assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
            assertThat(Serialization.asYaml(sts)).doesNotContain(spec.auth().password())
                    .doesNotContain(spec.exporterPassword());
        }
    }

    @Test
    void theExporterPasswordIsKeptByToBuilderAndNeverRollsThePods() {
        RedisReplicationSpec first = sentinelWithMetrics();
        RedisReplicationSpec again = first.toBuilder().build();
        assertThat(again.exporterPassword()).isEqualTo(first.exporterPassword());
        assertThat(again).isEqualTo(first);

        // a process that builds its spec again makes another exporter password; the deployment keeps the Secret it
        // wrote first, and the pod templates do not depend on it (no roll)
        RedisReplicationSpec.Builder onUsersSecret = RedisManifestsTest.classic().toBuilder()
                .auth(Auth.fromSecret("redis-creds", "password")).sentinel(s -> s.sentinels(3)).metrics(m -> { });
        RedisReplicationSpec one = onUsersSecret.passwordGenerator(PasswordGenerator.fixed("one-Password-0123456789ab"))
                .build();
        RedisReplicationSpec two = onUsersSecret.passwordGenerator(PasswordGenerator.fixed("two-Password-0123456789ab"))
                .build();
        assertThat(one.exporterPassword()).isNotEqualTo(two.exporterPassword());
        assertThat(statefulSets(RedisManifests.render(one))).extracting(sts -> sts.getSpec().getTemplate())
                .isEqualTo(statefulSets(RedisManifests.render(two)).stream().map(sts -> sts.getSpec().getTemplate())
                        .toList());
    }

    @Test
    void withoutAuthTheExporterHasNoUserNoSecretAndNoPassword() {
        RedisReplicationSpec spec = RedisManifestsTest.classic().toBuilder().exposure(Exposure.clusterIp())
                .auth(Auth.disabled()).metrics(m -> { }).build();

        assertThat(spec.exporterPassword()).isNull();
        assertThat(RedisManifests.render(spec)).noneSatisfy(o ->
                assertThat(o.getMetadata().getName()).isEqualTo(spec.names().metricsSecret()));
        for (StatefulSet sts : statefulSets(RedisManifests.render(spec))) {
            assertThat(exporter(sts).getEnv()).isEmpty();
            assertThat(exporter(sts).getArgs()).noneMatch(a -> a.startsWith("--redis.user"));
        }
    }

    @Test
    void withAuthDisabledTheExporterHasNoPasswordVariable() {
        RedisReplicationSpec spec = RedisManifestsTest.classic().toBuilder().auth(Auth.disabled())
                .exposure(Exposure.clusterIp()).metrics(m -> { }).build();

        assertThat(statefulSets(RedisManifests.render(spec))).hasSize(2)
                .allSatisfy(sts -> assertThat(exporter(sts).getEnv()).isEmpty());
    }

    @Test
    void theMetricsPortIsOnEveryServiceAndOpenInTheNetworkPolicy() {
        List<HasMetadata> objects = RedisManifests.render(RedisManifestsTest.classic().toBuilder()
                .sentinel(s -> s.sentinels(3)).metrics(m -> m.port(9200)).build());

        assertThat(objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList())
                .hasSize(5).allSatisfy(s -> assertThat(s.getSpec().getPorts())
                        .filteredOn(p -> p.getName().equals("metrics")).extracting(ServicePort::getPort)
                        .containsExactly(9200));
        NetworkPolicy policy = objects.stream().filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast).findFirst().orElseThrow();
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).extracting(NetworkPolicyPort::getPort)
                .contains(new IntOrString(9200));
    }

    @Test
    void aServiceMonitorIsRenderedOnlyWhenAskedAndScrapesEachPodOnceThroughTheHeadlessServices() {
        RedisReplicationSpec without = sentinelWithMetrics();
        RedisReplicationSpec with = without.toBuilder().metrics(m -> m.serviceMonitor(true)).build();

        assertThat(RedisManifests.render(without)).extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor");
        List<HasMetadata> objects = RedisManifests.render(with);
        HasMetadata last = objects.get(objects.size() - 1);
        assertThat(last).isInstanceOf(GenericKubernetesResource.class);
        assertThat(last.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(last.getKind()).isEqualTo("ServiceMonitor");
        @SuppressWarnings("unchecked")
        Map<String, Object> monitor = (Map<String, Object>) ((GenericKubernetesResource) last)
                .getAdditionalProperties().get("spec");
        assertThat(Serialization.asYaml(monitor)).contains("port: \"metrics\"")
                .contains("regex: \"orders-headless|orders-sentinel-headless\"")
                .contains("action: \"keep\"")
                .contains("app.kubernetes.io/instance: \"orders\"");
    }

    @Test
    void withMetricsOffNoPodRunsTheExporter() {
        assertThat(statefulSets(RedisManifests.render(RedisManifestsTest.classic().toBuilder()
                .sentinel(s -> s.sentinels(3)).build()))).allSatisfy(sts -> assertThat(sts.getSpec().getTemplate().getSpec().getContainers())
                        .extracting(Container::getName).doesNotContain(MetricsContribution.CONTAINER));
    }
}
