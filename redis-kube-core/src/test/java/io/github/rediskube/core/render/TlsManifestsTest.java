package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link TlsContribution} adds: TLS-only directives, the Secret's files and REDIS_TLS_DIR, the exporter's flags. */
class TlsManifestsTest {

    private static RedisReplicationSpec sentinelWithTls() {
        return RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3)).metrics(m -> { })
                .tls(t -> t.secret("orders-tls").caKey("issuer.pem")).build();
    }

    private static List<StatefulSet> statefulSets(List<HasMetadata> objects) {
        return objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast).toList();
    }

    private static ConfigMap configMap(List<HasMetadata> objects) {
        return objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).findFirst()
                .orElseThrow();
    }

    /** The value Redis keeps of a directive: the last line that sets it. */
    private static String last(String conf, String directive) {
        return conf.lines().filter(l -> l.startsWith(directive + " ")).reduce((a, b) -> b).orElseThrow()
                .substring(directive.length() + 1);
    }

    @Test
    void redisAndSentinelServeTlsOnlyOnTheirUsualPortsAndReplicateOverTls() {
        Map<String, String> files = configMap(RedisManifests.render(sentinelWithTls())).getData();

        for (String file : List.of(RedisConfig.fileName(Role.MASTER), RedisConfig.fileName(Role.REPLICA),
                RedisConfig.SENTINEL_CONF)) {
            String conf = files.get(file);
            String port = file.equals(RedisConfig.SENTINEL_CONF) ? "26379" : "6379";
            assertThat(last(conf, "port")).as("%s: the plain port, after the replication's own", file).isEqualTo("0");
            assertThat(last(conf, "tls-port")).as(file).isEqualTo(port);
            assertThat(last(conf, "tls-replication")).as(file).isEqualTo("yes");
            assertThat(last(conf, "tls-auth-clients")).as(file).isEqualTo("no");
            assertThat(last(conf, "tls-cert-file")).as(file).isEqualTo("/etc/redis-kube-tls/tls.crt");
            assertThat(last(conf, "tls-key-file")).as(file).isEqualTo("/etc/redis-kube-tls/tls.key");
            assertThat(last(conf, "tls-ca-cert-file")).as(file).isEqualTo("/etc/redis-kube-tls/ca.crt");
        }
    }

    @Test
    void theMainContainersMountTheSecretReadOnlyUnderFixedNamesAndTheLabelerDoesNot() {
        for (StatefulSet sts : statefulSets(RedisManifests.render(sentinelWithTls()))) {
            List<Container> containers = sts.getSpec().getTemplate().getSpec().getContainers();
            Volume volume = sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(TlsFiles.VOLUME)).findFirst().orElseThrow();
            assertThat(volume.getSecret().getSecretName()).isEqualTo("orders-tls");
            assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
            assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("tls.crt", "tls.crt"),
                            org.assertj.core.groups.Tuple.tuple("tls.key", "tls.key"),
                            org.assertj.core.groups.Tuple.tuple("issuer.pem", "ca.crt"));
            for (Container c : containers) {
                List<VolumeMount> tls = c.getVolumeMounts().stream()
                        .filter(m -> m.getName().equals(TlsFiles.VOLUME)).toList();
                boolean runsScripts = c.getName().equals(ReplicationContribution.CONTAINER)
                        || c.getName().equals(SentinelContribution.CONTAINER);
                boolean needsFiles = runsScripts || c.getName().equals(MetricsContribution.CONTAINER);
                assertThat(tls).as("%s in %s", c.getName(), sts.getMetadata().getName())
                        .hasSize(needsFiles ? 1 : 0)
                        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
                assertThat(c.getEnv()).extracting(EnvVar::getName).as("%s env", c.getName())
                        .filteredOn("REDIS_TLS_DIR"::equals).hasSize(runsScripts ? 1 : 0);
            }
        }
    }

    @Test
    void theExporterDialsRedissOnLoopbackWithThePodsCertificate() {
        for (StatefulSet sts : statefulSets(RedisManifests.render(sentinelWithTls()))) {
            Container exporter = sts.getSpec().getTemplate().getSpec().getContainers().stream()
                    .filter(c -> c.getName().equals(MetricsContribution.CONTAINER)).findFirst().orElseThrow();
            int port = sts.getMetadata().getName().endsWith("-sentinel") ? 26379 : 6379;
            assertThat(exporter.getArgs()).startsWith("--redis.addr=rediss://127.0.0.1:" + port)
                    .endsWith("--tls-client-cert-file=/etc/redis-kube-tls/tls.crt",
                            "--tls-client-key-file=/etc/redis-kube-tls/tls.key", "--skip-tls-verification");
            assertThat(exporter.getVolumeMounts()).extracting(m -> m.getName()).contains(TlsFiles.VOLUME);
        }
    }

    @Test
    void changingWhetherClientsPresentCertificatesRollsEveryPod() {
        RedisReplicationSpec spec = sentinelWithTls();
        RedisReplicationSpec strict = spec.toBuilder().tls(t -> t.authClients(true)).build();

        List<String> before = statefulSets(RedisManifests.render(spec)).stream().map(TlsManifestsTest::hash).toList();
        List<String> after = statefulSets(RedisManifests.render(strict)).stream().map(TlsManifestsTest::hash).toList();

        assertThat(strict.tls().secretName()).as("toBuilder keeps the Secret").isEqualTo("orders-tls");
        assertThat(after).hasSize(3);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.get(i)).as("config hash of StatefulSet %d", i).isNotEqualTo(before.get(i));
        }
    }

    private static String hash(StatefulSet sts) {
        return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(PodDraft.CONFIG_HASH_ANNOTATION);
    }
}
