package io.github.rediskube.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The extension's lifecycle on fabric8's mock API server (CRUD mode): example test classes below are
 * run through JUnit's own test kit, and the mock server shows what they left behind.
 */
@EnableKubernetesMockClient(crud = true)
class RedisKubeExtensionTest {

    static KubernetesClient mock;

    /** Namespaces the example classes saw, in order. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        SEEN.clear();
        System.setProperty("rediskube.applyStrategy", "CREATE_OR_UPDATE");   // the mock has no server-side apply
    }

    @AfterEach
    void clearProperties() {
        System.clearProperty("rediskube.applyStrategy");
        System.clearProperty(EphemeralDeployment.KEEP_PROPERTY);
        System.clearProperty(KubernetesClusters.KUBECONFIG_PROPERTY);
        System.clearProperty(KubernetesClusters.K3S_PROPERTY);
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    private static List<String> redisObjects(String namespace) {
        List<String> objects = new ArrayList<>();
        mock.apps().statefulSets().inNamespace(namespace).list().getItems()
                .forEach(s -> objects.add("StatefulSet/" + s.getMetadata().getName()));
        mock.services().inNamespace(namespace).list().getItems()
                .forEach(s -> objects.add("Service/" + s.getMetadata().getName()));
        mock.configMaps().inNamespace(namespace).list().getItems()
                .forEach(c -> objects.add("ConfigMap/" + c.getMetadata().getName()));
        return objects;
    }

    @RedisKubeTest(awaitReady = false)
    static class PerClass {
        @RedisKubeCluster
        static KubernetesClient cluster() {
            return mock;
        }

        @Test
        void first(RedisDeployment redis, KubernetesClient client) {
            SEEN.add(redis.namespace());
            assertThat(client.apps().statefulSets().inNamespace(redis.namespace()).list().getItems()).hasSize(2);
        }

        @Test
        void second(RedisDeployment redis, RedisReplicationSpec spec) {
            SEEN.add(redis.namespace());
            assertThat(spec.replicas()).isEqualTo(2);
            assertThat(spec.namespace()).isEqualTo(redis.namespace()).startsWith("rk-perclass-");
        }
    }

    @Test
    void perClassDeploysOnceForAllTestsAndBurnsEverythingAfterTheClass() {
        run(PerClass.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        assertThat(redisObjects(SEEN.get(0))).isEmpty();
        assertThat(mock.namespaces().withName(SEEN.get(0)).get()).as("its namespace is deleted too").isNull();
    }

    @RedisKubeTest(awaitReady = false, lifecycle = RedisKubeTest.Lifecycle.PER_METHOD, replicas = 1)
    static class PerMethod {
        @RedisKubeCluster
        static KubernetesClient cluster = mock;

        @Test
        void one(RedisDeployment redis) {
            SEEN.add(redis.namespace());
            assertThat(redisObjects(redis.namespace())).contains("StatefulSet/redis-master");
        }

        @Test
        void two(RedisDeployment redis) {
            SEEN.add(redis.namespace());
        }
    }

    @Test
    void perMethodGivesEveryTestItsOwnDeploymentAndNamespace() {
        PerMethod.cluster = mock;
        run(PerMethod.class).testEvents().assertStatistics(stats -> stats.succeeded(2));

        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates().allMatch(ns -> ns.startsWith("rk-one-")
                || ns.startsWith("rk-two-"));
        assertThat(SEEN).allSatisfy(ns -> assertThat(redisObjects(ns)).isEmpty());
    }

    @RedisKubeTest(awaitReady = false)
    static class Failing {
        @RedisKubeCluster
        static KubernetesClient cluster() {
            return mock;
        }

        @Test
        void fails(RedisDeployment redis) {
            SEEN.add(redis.namespace());
            throw new AssertionError("a failing test");
        }
    }

    @Test
    void aFailingTestStillLeavesNothingBehind() {
        run(Failing.class).testEvents().assertStatistics(stats -> stats.failed(1));

        assertThat(redisObjects(SEEN.get(0))).isEmpty();
    }

    @Test
    void keepPropertyKeepsTheDeploymentForDebugging() {
        System.setProperty(EphemeralDeployment.KEEP_PROPERTY, "true");

        run(PerClass.class).testEvents().assertStatistics(stats -> stats.succeeded(2));

        assertThat(redisObjects(SEEN.get(0))).contains("StatefulSet/redis-master", "StatefulSet/redis-replica");
        RedisKube.attach(mock, SEEN.get(0), "redis",
                io.github.rediskube.core.deploy.DeployOptions.DEFAULT).delete(true);
    }

    @RedisKubeTest(awaitReady = true, readyTimeoutSeconds = 1)
    static class NeverReady {
        @RedisKubeCluster
        static KubernetesClient cluster() {
            return mock;
        }

        @RedisKubeSpec
        static RedisReplicationSpec.Builder spec() {
            return RedisKube.replication("never").replicas(1);
        }

        @Test
        void notRun() {
            throw new AssertionError("must not run: the deployment never became ready");
        }
    }

    @Test
    void aDeploymentThatNeverBecomesReadyFailsTheClassAndIsBurned() {
        EngineExecutionResults results = run(NeverReady.class);

        results.containerEvents().assertThatEvents().haveAtLeastOne(event(container(NeverReady.class),
                org.junit.platform.testkit.engine.EventConditions.finishedWithFailure(
                        org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf(
                                RedisKubeException.class))));
        assertThat(mock.apps().statefulSets().inAnyNamespace().withLabel("app.kubernetes.io/instance", "never")
                .list().getItems()).isEmpty();
    }

    @RedisKubeTest
    static class NoCluster {
        @Test
        void notRun() {
            throw new AssertionError("must not run without a cluster");
        }
    }

    @Test
    void withoutAnyClusterTheTestsAreSkippedWithAMessageThatSaysWhatToProvide() {
        System.setProperty(KubernetesClusters.KUBECONFIG_PROPERTY, "none");
        System.setProperty(KubernetesClusters.K3S_PROPERTY, "false");

        EngineExecutionResults results = run(NoCluster.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(NoCluster.class),
                skippedWithReason(reason -> reason.contains("no Kubernetes cluster")
                        && reason.contains("-Drediskube.kubeconfig"))));
        results.testEvents().assertStatistics(stats -> stats.started(0));
    }

    @Test
    void withoutAnyClusterButOneRequiredTheTestsFailWithTheSameMessage() {
        System.setProperty(KubernetesClusters.KUBECONFIG_PROPERTY, "none");
        System.setProperty(KubernetesClusters.K3S_PROPERTY, "false");
        System.setProperty(KubernetesClusters.REQUIRE_CLUSTER_PROPERTY, "true");
        try {
            EngineExecutionResults results = run(NoCluster.class);

            results.containerEvents().assertThatEvents().haveExactly(1, event(container(NoCluster.class),
                    finishedWithFailure(message(m -> m.contains("no Kubernetes cluster")
                            && m.contains("-Drediskube.kubeconfig") && m.contains("rediskube.requireCluster=true")))));
            results.testEvents().assertStatistics(stats -> stats.started(0));
        } finally {
            System.clearProperty(KubernetesClusters.REQUIRE_CLUSTER_PROPERTY);
        }
    }

    @RedisKubeTest(awaitReady = false)
    static class Outer {
        @RedisKubeCluster
        static KubernetesClient cluster() {
            return mock;
        }

        @Test
        void outer(RedisDeployment redis) {
            SEEN.add(redis.namespace());
        }

        @Nested
        class Inner {
            @Test
            void inner(RedisDeployment redis, RedisReplicationSpec spec, KubernetesClient client) {
                SEEN.add(redis.namespace());
                assertThat(spec.namespace()).isEqualTo(redis.namespace());
                assertThat(client).isSameAs(mock);
                assertThat(mock.namespaces().list().getItems()).map(n -> n.getMetadata().getName())
                        .filteredOn(name -> name.startsWith("rk-outer-") || name.startsWith("rk-inner-")).hasSize(1);
            }
        }
    }

    @Test
    void aNestedClassUsesTheEnclosingClassesClusterAndDeployment() {
        System.setProperty(KubernetesClusters.KUBECONFIG_PROPERTY, "none");   // no second cluster to be found
        System.setProperty(KubernetesClusters.K3S_PROPERTY, "false");

        run(Outer.class).testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        assertThat(SEEN.get(0)).startsWith("rk-outer-");
        assertThat(redisObjects(SEEN.get(0))).isEmpty();
        assertThat(mock.namespaces().withName(SEEN.get(0)).get()).isNull();
    }

    @RedisKubeTest(awaitReady = false, lifecycle = RedisKubeTest.Lifecycle.PER_METHOD, replicas = 1)
    static class OuterPerMethod {
        @RedisKubeCluster
        static KubernetesClient cluster = mock;

        @Nested
        class Inner {
            @Test
            void first(RedisDeployment redis) {
                SEEN.add(redis.namespace());
            }

            @Test
            void second(RedisDeployment redis) {
                SEEN.add(redis.namespace());
            }
        }
    }

    @Test
    void aNestedClassOfAPerMethodClassStillDeploysPerMethod() {
        OuterPerMethod.cluster = mock;
        run(OuterPerMethod.class).testEvents().assertStatistics(stats -> stats.succeeded(2));

        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(ns -> assertThat(mock.namespaces().withName(ns).get()).isNull());
    }

    @RedisKubeTest(awaitReady = false, replicas = 1)
    static class OuterWithOwnNested {
        @RedisKubeCluster
        static KubernetesClient cluster = mock;

        @Test
        void outer(RedisDeployment redis) {
            SEEN.add(redis.namespace() + "/" + redis.name());
        }

        @Nested
        @RedisKubeTest(awaitReady = false, replicas = 1, name = "other")
        class OwnSettings {
            @Test
            void inner(RedisDeployment redis) {
                SEEN.add(redis.namespace() + "/" + redis.name());
            }
        }
    }

    @Test
    void aNestedClassWithARedisKubeTestOfItsOwnGetsItsOwnDeployment() {
        OuterWithOwnNested.cluster = mock;
        run(OuterWithOwnNested.class).testEvents().assertStatistics(stats -> stats.succeeded(2));

        assertThat(SEEN).hasSize(2).anyMatch(s -> s.startsWith("rk-outerwithownnested-") && s.endsWith("/redis"))
                .anyMatch(s -> s.startsWith("rk-ownsettings-") && s.endsWith("/other"));
        assertThat(SEEN).allSatisfy(s -> assertThat(mock.namespaces().withName(s.split("/")[0]).get()).isNull());
    }

    private static EphemeralDeployment startOnMock(RedisReplicationSpec spec, Duration deleteTimeout) {
        return EphemeralDeployment.start(mock, spec, DeployOptions.DEFAULT
                .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE).withDeleteTimeout(deleteTimeout), null);
    }

    @Test
    void theNamespaceIsDeletedEvenWhenDeletingTheDeploymentFails() {
        RedisReplicationSpec spec = RedisKube.replication("slow").namespace("rk-slow-delete").replicas(1).build();
        EphemeralDeployment ephemeral = startOnMock(spec, Duration.ofNanos(1));   // the wait for deletion times out

        assertThatThrownBy(ephemeral::close).isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("still has StatefulSet objects after");
        assertThat(mock.namespaces().withName("rk-slow-delete").get()).as("deleted all the same").isNull();
    }

    @Test
    void theKeptHintNamesTheRealSecretAndMasterPod() {
        RedisReplicationSpec spec = RedisKube.replication("cache").namespace("rk-kept-hint").replicas(1)
                .auth(Auth.fromSecret("team-redis", "redis-password")).build();
        EphemeralDeployment ephemeral = startOnMock(spec, Duration.ofMinutes(1));
        try {
            assertThat(ephemeral.keptMessage()).contains("port-forward pod/cache-master-0 6379:6379",
                    "get secret team-redis -o jsonpath=\"{.data['redis-password']}\"",
                    "kubectl delete namespace rk-kept-hint").doesNotContain("cache-auth");
        } finally {
            ephemeral.close();
        }
    }

    @Test
    void theKeptHintOfAGeneratedPasswordNamesTheGeneratedSecret() {
        RedisReplicationSpec spec = RedisKube.replication("gen").namespace("rk-kept-gen").replicas(1).build();
        EphemeralDeployment ephemeral = startOnMock(spec, Duration.ofMinutes(1));
        try {
            assertThat(ephemeral.keptMessage()).contains("port-forward pod/gen-master-0 ",
                    "get secret gen-auth -o jsonpath=\"{.data.password}\"");
        } finally {
            ephemeral.close();
        }
    }
}
