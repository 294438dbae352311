package io.github.rediskube.core.render;

import static io.github.rediskube.core.render.RedisManifestsTest.env;
import static io.github.rediskube.core.render.RedisManifestsTest.find;
import static io.github.rediskube.core.render.RedisManifestsTest.orders;
import static io.github.rediskube.core.render.RedisManifestsTest.redisContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Render tier: what Sentinel mode adds, and that plain replication is untouched by it. */
class SentinelManifestsTest {

    static RedisReplicationSpec sentinel() {
        return orders().replicas(2).sentinel(s -> s.downAfter(Duration.ofMillis(1000))
                .failoverTimeout(Duration.ofSeconds(10)).minReplicasToWrite(1)).build();
    }

    @Test
    void rendersSentinelObjectsInApplyOrder() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());

        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Secret/orders-auth", "ConfigMap/orders-config", "ServiceAccount/orders-role-labeler",
                "Role/orders-role-labeler", "RoleBinding/orders-role-labeler", "Service/orders-headless",
                "Service/orders-master", "Service/orders-replica", "Service/orders-sentinel",
                "Service/orders-sentinel-headless", "NetworkPolicy/orders", "PodDisruptionBudget/orders-redis",
                "PodDisruptionBudget/orders-sentinel",
                "StatefulSet/orders-master", "StatefulSet/orders-replica", "StatefulSet/orders-sentinel");
    }

    @Test
    void sentinelConfigResolvesAndAnnouncesHostnamesAndCarriesTheTimings() {
        ConfigMap config = find(RedisManifests.render(sentinel()), ConfigMap.class, "orders-config");

        assertThat(config.getData().get("sentinel.conf")).contains("port 26379\n",
                "sentinel resolve-hostnames yes\n", "sentinel announce-hostnames yes\n");
        assertThat(config.getData().get("sentinel-master.conf")).isEqualTo(
                "sentinel down-after-milliseconds orders 1000\n"
                        + "sentinel failover-timeout orders 10000\n"
                        + "sentinel parallel-syncs orders 1\n");
        assertThat(config.getData().get("ha.sh")).contains("sentinel monitor", "sentinel auth-pass",
                "sentinel sentinel-pass", "sentinel announce-ip", "SENTINEL failover", "kubectl label pod");
        assertThat(config.getData().get("master.conf")).contains("min-replicas-to-write 1\n",
                "min-replicas-max-lag 10\n");
    }

    @Test
    void sentinelsKeepTheirConfigInAWritableEmptyDirAndAnnounceTheirPodName() {
        StatefulSet sentinels = find(RedisManifests.render(sentinel()), StatefulSet.class, "orders-sentinel");
        Container container = redisContainer(sentinels);

        assertThat(sentinels.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sentinels.getSpec().getServiceName()).isEqualTo("orders-sentinel-headless");
        assertThat(container.getCommand()).containsExactly("sh", "/etc/redis-kube/ha.sh", "sentinel");
        assertThat(env(container, "SENTINEL_ANNOUNCE_HOST"))
                .isEqualTo("$(POD_NAME).orders-sentinel-headless.tenant-a.svc.cluster.local");
        assertThat(env(container, "SENTINEL_QUORUM")).isEqualTo("2");
        assertThat(env(container, "REDIS_MASTER_HOST"))
                .isEqualTo("orders-master-0.orders-headless.tenant-a.svc.cluster.local");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/run/redis-kube");
            assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(env(container, "REDIS_PASSWORD_FILE")).isEqualTo("/etc/redis-kube-auth/password");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getName()).isEqualTo("auth"));
    }

    @Test
    void storageSentinelsKeepTheirStateOnAVolumeKeptLikeTheRedisVolumes() {
        RedisReplicationSpec spec = sentinel().toBuilder().storage("1Gi").build();
        StatefulSet sentinels = find(RedisManifests.render(spec), StatefulSet.class, "orders-sentinel");
        Container container = redisContainer(sentinels);

        assertThat(sentinels.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "sentinel");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("64Mi");
        });
        assertThat(sentinels.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
        assertThat(env(container, "SENTINEL_STATE_DIR")).isEqualTo("/data");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("data");
            assertThat(m.getMountPath()).isEqualTo("/data");
        });
        StatefulSet cacheSentinels = find(RedisManifests.render(sentinel()), StatefulSet.class, "orders-sentinel");
        assertThat(cacheSentinels.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(env(redisContainer(cacheSentinels), "SENTINEL_STATE_DIR")).isNull();
    }

    @Test
    void configMapListsEveryRedisPodForWhenNoSentinelAnswers() {
        ConfigMap config = find(RedisManifests.render(sentinel()), ConfigMap.class, "orders-config");

        assertThat(config.getData().get("redis-peers")).isEqualTo(
                "orders-master-0.orders-headless.tenant-a.svc.cluster.local:6379\n"
                        + "orders-replica-0.orders-headless.tenant-a.svc.cluster.local:6379\n"
                        + "orders-replica-1.orders-headless.tenant-a.svc.cluster.local:6379\n");
        StatefulSet master = find(RedisManifests.render(sentinel()), StatefulSet.class, "orders-master");
        StatefulSet scaled = find(RedisManifests.render(sentinel().toBuilder().replicas(3).build()), StatefulSet.class,
                "orders-master");
        assertThat(scaled.getSpec().getTemplate().getMetadata().getAnnotations())
                .as("scaling the replicas updates the list without rolling the master")
                .isEqualTo(master.getSpec().getTemplate().getMetadata().getAnnotations());
    }

    @Test
    void redisPodsAskEverySentinelByPodNameAndFailOverBeforeStopping() {
        StatefulSet master = find(RedisManifests.render(sentinel()), StatefulSet.class, "orders-master");
        Container redis = redisContainer(master);

        assertThat(redis.getCommand()).containsExactly("sh", "/etc/redis-kube/ha.sh", "start");
        assertThat(env(redis, "REDIS_SENTINELS")).isEqualTo(
                "orders-sentinel-0.orders-sentinel-headless.tenant-a.svc.cluster.local:26379 "
                        + "orders-sentinel-1.orders-sentinel-headless.tenant-a.svc.cluster.local:26379 "
                        + "orders-sentinel-2.orders-sentinel-headless.tenant-a.svc.cluster.local:26379");
        assertThat(env(redis, "REDIS_ANNOUNCE_HOST")).isEqualTo("$(POD_NAME).orders-headless.tenant-a.svc.cluster.local");
        assertThat(redis.getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("sh", "/etc/redis-kube/ha.sh", "prestop");
        assertThat(redis.getReadinessProbe().getExec().getCommand())
                .containsExactly("sh", "/etc/redis-kube/ha.sh", "readiness");
        assertThat(master.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(45L);
    }

    @Test
    void roleServicesSelectTheLiveRoleLabelNotTheStatefulSet() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());

        assertThat(find(objects, Service.class, "orders-master").getSpec().getSelector())
                .containsEntry("rediskube.github.io/role", "master")
                .containsEntry("app.kubernetes.io/instance", "orders")
                .doesNotContainKey("app.kubernetes.io/component");
        assertThat(find(objects, Service.class, "orders-replica").getSpec().getSelector())
                .containsEntry("rediskube.github.io/role", "replica");
        assertThat(find(objects, Service.class, "orders-sentinel").getSpec().getSelector())
                .containsEntry("app.kubernetes.io/component", "sentinel");
        assertThat(find(objects, StatefulSet.class, "orders-master").getSpec().getTemplate().getMetadata()
                .getLabels()).as("the sidecar sets the role label, the template does not")
                .doesNotContainKey("rediskube.github.io/role");
    }

    @Test
    void labelerSidecarAloneHoldsATokenWithMinimalRights() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());
        PodSpec pod = find(objects, StatefulSet.class, "orders-replica").getSpec().getTemplate().getSpec();
        Container labeler = pod.getContainers().get(1);

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("orders-role-labeler");
        assertThat(labeler.getImage()).isEqualTo("docker.io/alpine/k8s:1.31.4");
        assertThat(labeler.getCommand()).containsExactly("sh", "/etc/redis-kube/ha.sh", "label");
        assertThat(labeler.getVolumeMounts()).extracting(m -> m.getMountPath())
                .contains("/var/run/secrets/kubernetes.io/serviceaccount");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                .doesNotContain("/var/run/secrets/kubernetes.io/serviceaccount");
        Role role = find(objects, Role.class, "orders-role-labeler");
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getVerbs()).containsExactly("get", "patch");
            assertThat(rule.getResourceNames()).as("this deployment's Redis pods only, however far it scales")
                    .hasSize(33).contains("orders-master-0", "orders-replica-0", "orders-replica-31")
                    .allMatch(name -> name.startsWith("orders-master-") || name.startsWith("orders-replica-"));
        });
        assertThat(find(objects, RoleBinding.class, "orders-role-labeler").getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("orders-role-labeler"));
    }

    @Test
    void labelerImageIsOverridable() {
        RedisReplicationSpec spec = orders().sentinel(s -> s.labelerImage("registry.example.com/kubectl:1.31")).build();

        Container labeler = find(RedisManifests.render(spec), StatefulSet.class, "orders-master").getSpec().getTemplate()
                .getSpec().getContainers().get(1);
        assertThat(labeler.getImage()).isEqualTo("registry.example.com/kubectl:1.31");
    }

    @Test
    void networkPolicyAdmitsTheSentinelPortFromTheSamePeers() {
        NetworkPolicy policy = find(RedisManifests.render(sentinel()), NetworkPolicy.class, "orders");

        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort)
                    .extracting(p -> p.getIntVal()).containsExactly(6379, 26379);
            assertThat(rule.getFrom()).anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                    .containsEntry("rediskube.github.io/client-of", "orders"));
        });
    }

    @Test
    void plainReplicationRendersNoSentinelPieces() {
        List<HasMetadata> objects = RedisManifests.render(RedisManifestsTest.classic());

        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("ServiceAccount", "Role", "RoleBinding");
        assertThat(find(objects, ConfigMap.class, "orders-config").getData())
                .doesNotContainKeys("ha.sh", "sentinel.conf", "sentinel-master.conf");
        assertThat(find(objects, Service.class, "orders-master").getSpec().getSelector())
                .doesNotContainKey("rediskube.github.io/role");
    }

    @Test
    void libraryRbacForSentinelAddsTheLabelersObjectsAndPodPatch() {
        List<HasMetadata> rbac = RbacManifests.forServiceAccount("tenant-a", "app", true);

        assertThat(((Role) rbac.get(0)).getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("roles", "rolebindings");
            assertThat(rule.getVerbs()).contains("create", "delete");
        }).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getVerbs()).containsExactly("patch");
        });
        assertThat(((Role) RbacManifests.forServiceAccount("tenant-a", "app", false).get(0)).getRules())
                .isEqualTo(RbacManifests.rules());
    }

    @Test
    void sameSentinelSpecRendersTheSameYaml() {
        assertThat(RedisKube.toYaml(sentinel())).isEqualTo(RedisKube.toYaml(sentinel()));
    }
}
