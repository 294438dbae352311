package io.github.rediskube.core.render;

import static io.github.rediskube.core.render.RedisManifestsTest.classic;
import static io.github.rediskube.core.render.RedisManifestsTest.env;
import static io.github.rediskube.core.render.RedisManifestsTest.orders;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Render tier: the password reaches the pods as a file of the Secret mounted read-only (so a rotated password
 * reaches running pods when the kubelet refreshes it), never as an env var fixed at container start.
 */
class PasswordFileManifestsTest {

    @Test
    void everyRedisAndSentinelContainerReadsThePasswordFromTheSecretMountedForItsGroupOnly() {
        assertPasswordFile(classic(), "orders-auth", "password", 2);
        assertPasswordFile(SentinelManifestsTest.sentinel(), "orders-auth", "password", 3);
        assertPasswordFile(orders().auth(Auth.fromSecret("shared-redis", "pass")).build(), "shared-redis", "pass", 2);
    }

    @Test
    void theLabelerSidecarGetsNoPassword() {
        StatefulSet master = RedisManifestsTest.find(RedisManifests.render(SentinelManifestsTest.sentinel()), StatefulSet.class,
                "orders-master");
        Container labeler = master.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(SentinelContribution.LABELER_CONTAINER)).findFirst().orElseThrow();

        assertThat(labeler.getVolumeMounts()).noneMatch(m -> m.getName().equals(PasswordFile.VOLUME));
        assertThat(labeler.getEnv()).noneMatch(e -> e.getName().startsWith("REDIS_PASSWORD"));
    }

    @Test
    void withoutAuthNoPodMountsASecretOrNamesAPasswordFile() {
        for (HasMetadata object : RedisManifests.render(orders().replicas(1).auth(Auth.disabled()).build())) {
            if (object instanceof StatefulSet sts) {
                PodSpec pod = sts.getSpec().getTemplate().getSpec();
                assertThat(pod.getVolumes()).noneMatch(v -> v.getSecret() != null);
                assertThat(pod.getContainers()).allSatisfy(c ->
                        assertThat(c.getEnv()).noneMatch(e -> e.getName().startsWith("REDIS_PASSWORD")));
            }
        }
    }

    private static void assertPasswordFile(RedisReplicationSpec spec, String secret, String key, int statefulSets) {
        List<StatefulSet> all = RedisManifests.render(spec).stream().filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast).toList();
        assertThat(all).hasSize(statefulSets);
        for (StatefulSet sts : all) {
            PodSpec pod = sts.getSpec().getTemplate().getSpec();
            Volume auth = pod.getVolumes().stream().filter(v -> v.getName().equals("auth")).findFirst()
                    .orElseThrow(() -> new AssertionError(sts.getMetadata().getName() + " has no volume auth"));
            assertThat(auth.getSecret().getSecretName()).isEqualTo(secret);
            assertThat(auth.getSecret().getDefaultMode()).as("0440: owner and the fsGroup read, no one else")
                    .isEqualTo(0440);
            assertThat(auth.getSecret().getOptional()).isFalse();
            assertThat(auth.getSecret().getItems()).singleElement().satisfies(item -> {
                assertThat(item.getKey()).isEqualTo(key);
                assertThat(item.getPath()).isEqualTo("password");
            });
            assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(999L);
            Container main = pod.getContainers().get(0);
            assertThat(env(main, "REDIS_PASSWORD_FILE")).as(sts.getMetadata().getName())
                    .isEqualTo("/etc/redis-kube-auth/password");
            assertThat(main.getEnv()).as(sts.getMetadata().getName() + ": no password fixed at container start")
                    .noneMatch(e -> e.getName().equals("REDIS_PASSWORD"));
            assertThat(main.getVolumeMounts()).filteredOn(m -> m.getName().equals("auth")).singleElement()
                    .satisfies(m -> {
                        assertThat(m.getMountPath()).isEqualTo("/etc/redis-kube-auth");
                        assertThat(m.getReadOnly()).isTrue();
                    });
        }
    }
}
