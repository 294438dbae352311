package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.NetworkAccess;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.core.spec.Toleration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Render tier: structure and invariants of what a spec renders. */
class RedisManifestsTest {

    private static final String PASSWORD = "0123456789abcdefABCDEF";

    static RedisReplicationSpec.Builder orders() {
        return RedisKube.replication("orders").namespace("tenant-a").passwordGenerator(PasswordGenerator.fixed(PASSWORD));
    }

    static RedisReplicationSpec classic() {
        return orders().replicas(2).master(n -> n.memoryLimit("4096M")).exposeNodePorts(32379, 32380).build();
    }

    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects));
    }

    static Container redisContainer(StatefulSet statefulSet) {
        return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElse(null);
    }

    @Test
    void rendersEveryObjectInAStableOrder() {
        List<HasMetadata> objects = RedisManifests.render(classic());

        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Secret/orders-auth", "ConfigMap/orders-config", "Service/orders-headless", "Service/orders-master",
                "Service/orders-replica", "NetworkPolicy/orders", "PodDisruptionBudget/orders-replica",
                "StatefulSet/orders-master", "StatefulSet/orders-replica");
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("tenant-a"));
    }

    @Test
    void rendersTheClassicScenarioMasterWithOnePodAnd4096MLimitAndTwoReplicas() {
        List<HasMetadata> objects = RedisManifests.render(classic());
        StatefulSet master = find(objects, StatefulSet.class, "orders-master");
        StatefulSet replicas = find(objects, StatefulSet.class, "orders-replica");

        assertThat(master.getSpec().getReplicas()).isEqualTo(1);
        assertThat(replicas.getSpec().getReplicas()).isEqualTo(2);
        assertThat(redisContainer(master).getResources().getLimits()).containsEntry("memory", new Quantity("4096M"));
        assertThat(redisContainer(replicas).getResources().getLimits())
                .as("replicas hold the whole dataset: same memory as the master by default")
                .containsEntry("memory", new Quantity("4096M"));
        assertThat(RedisManifests.redisConf(classic(), Role.MASTER)).contains("\nmaxmemory 3072000000\n");
    }

    @Test
    void rendersNodePortsForMasterAndReplicas() {
        List<HasMetadata> objects = RedisManifests.render(classic());
        Service master = find(objects, Service.class, "orders-master");
        Service replicas = find(objects, Service.class, "orders-replica");

        assertThat(master.getSpec().getType()).isEqualTo("NodePort");
        assertThat(master.getSpec().getPorts().get(0).getNodePort()).isEqualTo(32379);
        assertThat(replicas.getSpec().getType()).isEqualTo("NodePort");
        assertThat(replicas.getSpec().getPorts().get(0).getNodePort()).isEqualTo(32380);
        assertThat(master.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "master");
        assertThat(replicas.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "replica");
    }

    @Test
    void defaultsToClusterIpServicesWithoutNodePorts() {
        List<HasMetadata> objects = RedisManifests.render(orders().build());

        assertThat(find(objects, Service.class, "orders-master").getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(find(objects, Service.class, "orders-master").getSpec().getPorts().get(0).getNodePort()).isNull();
        assertThat(find(objects, Service.class, "orders-headless").getSpec().getClusterIP()).isEqualTo("None");
        assertThat(RedisManifests.render(orders().exposeLoadBalancer().build())).filteredOn(o -> o instanceof Service)
                .map(o -> ((Service) o).getSpec().getType()).containsExactly("ClusterIP", "LoadBalancer", "LoadBalancer");
    }

    @Test
    void replicasFollowTheMasterByItsStableDnsNameWithAuth() {
        StatefulSet replicas = find(RedisManifests.render(classic()), StatefulSet.class, "orders-replica");
        Container redis = redisContainer(replicas);

        assertThat(env(redis, "REDIS_ROLE")).isEqualTo("replica");
        assertThat(env(redis, "REDIS_MASTER_HOST"))
                .isEqualTo("orders-master-0.orders-headless.tenant-a.svc.cluster.local");
        assertThat(replicas.getSpec().getServiceName()).isEqualTo("orders-headless");
        assertThat(env(redis, "REDIS_PASSWORD_FILE")).isEqualTo("/etc/redis-kube-auth/password");
        assertThat(replicas.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("orders-auth"));
        assertThat(RedisManifests.startScript()).contains("masterauth", "requirepass", "replicaof");
    }

    @Test
    void generatedPasswordLandsInTheSecretOnlyNeverInTheConfigMap() {
        List<HasMetadata> objects = RedisManifests.render(classic());
        Secret secret = find(objects, Secret.class, "orders-auth");
        ConfigMap config = find(objects, ConfigMap.class, "orders-config");

        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8))
                .isEqualTo(PASSWORD);
        assertThat(config.getData().values()).noneMatch(v -> v.contains(PASSWORD));
        assertThat(config.getData()).containsOnlyKeys("master.conf", "replica.conf", "start.sh", "probe.sh", "password.sh");
    }

    @Test
    void existingSecretIsReferencedAndNotRenderedAndDisabledAuthHasNoPassword() {
        List<HasMetadata> fromSecret = RedisManifests.render(orders().auth(Auth.fromSecret("shared-redis", "pass")).build());
        Container redis = redisContainer(find(fromSecret, StatefulSet.class, "orders-master"));

        assertThat(fromSecret).noneMatch(o -> o instanceof Secret);
        assertThat(find(fromSecret, StatefulSet.class, "orders-master").getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getSecret() != null).singleElement().satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("shared-redis");
                    assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("pass");
                });
        assertThat(env(redis, "REDIS_PASSWORD_FILE")).isNotNull();

        List<HasMetadata> open = RedisManifests.render(orders().auth(Auth.disabled()).build());
        assertThat(open).noneMatch(o -> o instanceof Secret);
        assertThat(redisContainer(find(open, StatefulSet.class, "orders-master")).getEnv())
                .noneMatch(e -> e.getName().startsWith("REDIS_PASSWORD"));
    }

    @Test
    void probesUseTheRenderedScriptReadinessChecksReplicaLink() {
        Container redis = redisContainer(find(RedisManifests.render(classic()), StatefulSet.class, "orders-replica"));

        assertThat(redis.getReadinessProbe().getExec().getCommand())
                .containsExactly("sh", "/etc/redis-kube/probe.sh", "readiness");
        assertThat(redis.getLivenessProbe().getExec().getCommand())
                .containsExactly("sh", "/etc/redis-kube/probe.sh", "liveness");
        assertThat(RedisManifests.probeScript()).contains("master_link_status", "REDISCLI_AUTH", "LOADING");
        assertThat(redis.getCommand()).containsExactly("sh", "/etc/redis-kube/start.sh");
    }

    @Test
    void selectorsAreScopedByInstanceAndRoleSoTwoDeploymentsInOneNamespaceNeverOverlap() {
        List<HasMetadata> orders = RedisManifests.render(classic());
        List<HasMetadata> carts = RedisManifests.render(RedisKube.replication("carts").namespace("tenant-a").build());

        for (HasMetadata object : orders) {
            Map<String, String> selector = selectorOf(object);
            if (selector == null) {
                continue;
            }
            for (HasMetadata other : carts) {
                Map<String, String> podLabels = podLabelsOf(other);
                if (podLabels != null) {
                    assertThat(podLabels.entrySet().containsAll(selector.entrySet()))
                            .as(object.getKind() + " " + object.getMetadata().getName() + " must not select pods of "
                                    + other.getMetadata().getName()).isFalse();
                }
            }
        }
        StatefulSet master = find(orders, StatefulSet.class, "orders-master");
        assertThat(master.getSpec().getSelector().getMatchLabels()).containsOnly(
                Map.entry("app.kubernetes.io/name", "redis"), Map.entry("app.kubernetes.io/instance", "orders"),
                Map.entry("app.kubernetes.io/component", "master"),
                Map.entry("app.kubernetes.io/managed-by", "redis-kube"));   // never a chart's pods of the same name
    }

    @Test
    void everyObjectCarriesTheRecommendedLabelsAndTheUsersLabelsAndAnnotations() {
        List<HasMetadata> objects = RedisManifests.render(orders().label("team", "payments").annotation("example.com/owner", "ops")
                .build());

        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "redis")
                    .containsEntry("app.kubernetes.io/instance", "orders")
                    .containsEntry("app.kubernetes.io/managed-by", "redis-kube")
                    .containsEntry("app.kubernetes.io/part-of", "orders")
                    .containsEntry("team", "payments");
            assertThat(o.getMetadata().getAnnotations()).containsEntry("example.com/owner", "ops");
        });
        StatefulSet master = find(objects, StatefulSet.class, "orders-master");
        assertThat(master.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "master");
        assertThat(master.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "payments");
        assertThat(master.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("example.com/owner", "ops").containsKey("rediskube.github.io/config-hash");
    }

    @Test
    void cacheModeUsesEmptyDirAndNoPersistence() {
        RedisReplicationSpec spec = orders().build();
        StatefulSet master = find(RedisManifests.render(spec), StatefulSet.class, "orders-master");

        assertThat(master.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(master.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> {
                    assertThat(v.getName()).isEqualTo("data");
                    assertThat(v.getEmptyDir()).isNotNull();
                });
        assertThat(RedisManifests.redisConf(spec, Role.MASTER)).contains("\nappendonly no\n", "\nsave \"\"\n",
                "\nmaxmemory-policy allkeys-lru\n");
    }

    @Test
    void storageModeRendersOneClaimPerPodWithAofAndKeepsVolumesUnlessAsked() {
        RedisReplicationSpec spec = orders().storage(s -> s.size("20Gi").storageClass("fast-ssd")).build();
        StatefulSet replicas = find(RedisManifests.render(spec), StatefulSet.class, "orders-replica");

        assertThat(replicas.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
        });
        assertThat(replicas.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals("data"));
        assertThat(replicas.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
        assertThat(RedisManifests.redisConf(spec, Role.REPLICA)).contains("\nappendonly yes\n",
                "\nappendfsync everysec\n", "\nsave 3600 1 300 100 60 10000\n", "\nmaxmemory-policy noeviction\n");

        RedisReplicationSpec burn = orders().storage(s -> s.deleteVolumesOnDelete(true)).build();
        assertThat(find(RedisManifests.render(burn), StatefulSet.class, "orders-master").getSpec()
                .getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Delete");
    }

    @Test
    void networkPolicyAdmitsOwnPodsAndLabelledClientsByDefault() {
        NetworkPolicy policy = find(RedisManifests.render(orders().build()), NetworkPolicy.class, "orders");
        List<NetworkPolicyPeer> from = policy.getSpec().getIngress().get(0).getFrom();

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/instance", "orders");
        assertThat(from).hasSize(2);
        assertThat(from.get(0).getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "orders");
        assertThat(from.get(1).getPodSelector().getMatchLabels())
                .containsExactly(Map.entry(NetworkAccess.CLIENT_LABEL, "orders"));
        assertThat(from).allMatch(peer -> peer.getNamespaceSelector() == null && peer.getIpBlock() == null);
    }

    @Test
    void networkPolicyOptionsAdmitNamespacesCidrsOrEveryone() {
        NetworkPolicy wider = find(RedisManifests.render(orders().networkAccess(NetworkAccess.clientsOnly().withNamespaces("ops", "batch")
                .withCidrs("10.0.0.0/8")).build()), NetworkPolicy.class, "orders");
        List<NetworkPolicyPeer> from = wider.getSpec().getIngress().get(0).getFrom();

        assertThat(from).filteredOn(peer -> peer.getNamespaceSelector() != null).singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchExpressions().get(0).getValues())
                        .containsExactly("batch", "ops"));
        assertThat(from).filteredOn(peer -> peer.getIpBlock() != null).singleElement()
                .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.0.0.0/8"));

        Predicate<NetworkPolicy> admitsAll = p -> p.getSpec().getIngress().get(0).getFrom().isEmpty();
        assertThat(find(RedisManifests.render(orders().networkAccess(NetworkAccess.everyone()).build()), NetworkPolicy.class,
                "orders")).matches(admitsAll);
        assertThat(find(RedisManifests.render(classic()), NetworkPolicy.class, "orders"))
                .as("NodePort exposure admits outside clients by default (auth stays mandatory)").matches(admitsAll);
    }

    @Test
    void podDisruptionBudgetKeepsAllButOneReplicaAndIsLeftOutWithoutReplicas() {
        PodDisruptionBudget pdb = find(RedisManifests.render(classic()), PodDisruptionBudget.class, "orders-replica");

        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "replica");
        assertThat(RedisManifests.render(orders().replicas(0).build())).noneMatch(o -> o instanceof PodDisruptionBudget);
        assertThat(RedisManifests.render(orders().podDisruptionBudget(false).build()))
                .noneMatch(o -> o instanceof PodDisruptionBudget);
    }

    @Test
    void schedulingSpreadsPodsOverNodesAndCarriesSelectorsTolerationsAndPullSecrets() {
        StatefulSet master = find(RedisManifests.render(orders().nodeSelector("disktype", "ssd")
                .toleration(Toleration.equal("dedicated", "redis", "NoSchedule")).imagePullSecrets("regcred")
                .build()), StatefulSet.class, "orders-master");
        var pod = master.getSpec().getTemplate().getSpec();

        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("disktype", "ssd"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getImagePullSecrets()).extracting("name").containsExactly("regcred");
        var term = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(find(RedisManifests.render(orders().spreadOverNodes(false).build()), StatefulSet.class, "orders-master")
                .getSpec().getTemplate().getSpec().getAffinity()).isNull();
    }

    @Test
    void sameSpecRendersByteIdenticalYamlAndEveryCallReturnsFreshObjects() {
        RedisReplicationSpec spec = classic();
        String first = RedisKube.toYaml(spec);

        find(RedisManifests.render(spec), StatefulSet.class, "orders-master").getSpec().setReplicas(7);

        assertThat(RedisKube.toYaml(spec)).isEqualTo(first);
        assertThat(RedisKube.toYaml(classic())).as("a spec built again from the same input").isEqualTo(first);
        assertThat(RedisKube.toYaml(spec.toBuilder().build())).as("toBuilder keeps the generated password").isEqualTo(first);
    }

    @Test
    void aConfigChangeChangesTheConfigHashSoPodsRoll() {
        String before = configHash(orders().build());
        String after = configHash(orders().config("hz", "50").build());

        assertThat(before).isNotEqualTo(after).hasSize(16);
        assertThat(configHash(orders().build())).isEqualTo(before);
    }

    @Test
    void imageDefaultsToAPinnedRedisTagAndIsOverridable() {
        assertThat(redisContainer(find(RedisManifests.render(orders().build()), StatefulSet.class, "orders-master")).getImage())
                .isEqualTo("redis:7.2.11");
        assertThat(redisContainer(find(RedisManifests.render(orders().image("valkey/valkey:8.1").build()), StatefulSet.class,
                "orders-replica")).getImage()).isEqualTo("valkey/valkey:8.1");
    }

    private static String configHash(RedisReplicationSpec spec) {
        return find(RedisManifests.render(spec), StatefulSet.class, "orders-master").getSpec().getTemplate().getMetadata()
                .getAnnotations().get("rediskube.github.io/config-hash");
    }

    private static Map<String, String> selectorOf(HasMetadata object) {
        if (object instanceof Service service) {
            return service.getSpec().getSelector();
        }
        if (object instanceof StatefulSet statefulSet) {
            return statefulSet.getSpec().getSelector().getMatchLabels();
        }
        if (object instanceof PodDisruptionBudget pdb) {
            return pdb.getSpec().getSelector().getMatchLabels();
        }
        if (object instanceof NetworkPolicy policy) {
            return policy.getSpec().getPodSelector().getMatchLabels();
        }
        return null;
    }

    private static Map<String, String> podLabelsOf(HasMetadata object) {
        return object instanceof StatefulSet statefulSet ? statefulSet.getSpec().getTemplate().getMetadata().getLabels()
                : null;
    }

    @Test
    void scalingTheReplicasNeverRollsTheMasterWhileTheMasterConfigFollowsTheReplicaCount() {
        for (RedisReplicationSpec spec : List.of(classic(), classic().toBuilder().sentinel(s -> { })
                .resources(n -> n.memoryLimit("4096M")).build())) {
            RedisReplicationSpec scaled = spec.toBuilder().replicas(3).build();

            assertThat(RedisManifests.redisConf(scaled, Role.MASTER))
                    .contains("\nrepl-diskless-sync-max-replicas 3\n");
            assertThat(masterTemplateAnnotations(scaled)).as("sentinel " + spec.sentinelEnabled())
                    .isEqualTo(masterTemplateAnnotations(spec));
            assertThat(masterTemplateAnnotations(spec.toBuilder().config("hz", "20").build()))
                    .as("any other config change still rolls it").isNotEqualTo(masterTemplateAnnotations(spec));
        }
    }

    private static Map<String, String> masterTemplateAnnotations(RedisReplicationSpec spec) {
        return RedisManifests.render(spec).stream().filter(o -> o instanceof StatefulSet
                        && o.getMetadata().getName().equals(spec.name() + "-master"))
                .map(o -> ((StatefulSet) o).getSpec().getTemplate().getMetadata().getAnnotations())
                .findFirst().orElseThrow();
    }
}
