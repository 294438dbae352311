package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.rediskube.core.spec.Placement;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Render tier: what {@link PlacementContribution} adds to the pods, and what its selectors count. */
class PlacementManifestsTest {

    /** Sentinel mode with every placement setting (the golden {@code sentinel-placement.yaml}). */
    static RedisReplicationSpec placed() {
        return RedisManifestsTest.classic().toBuilder()
                .sentinel(s -> s.sentinels(3))
                .placement(p -> p.zoneSpread(1).nodeSpread(1).priorityClassName("redis-critical")
                        .podLabel("example.com/cost-center", "42").podAnnotation("example.com/backup", "nightly"))
                .build();
    }

    private static List<StatefulSet> statefulSets(RedisReplicationSpec spec) {
        return RedisManifests.render(spec).stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .toList();
    }

    private static PodTemplateSpec template(List<StatefulSet> all, String name) {
        return all.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow()
                .getSpec().getTemplate();
    }

    /** Kubernetes' label selector semantics, for the matchLabels and the In/NotIn expressions we render. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        boolean matches = selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            boolean in = r.getValues().contains(labels.get(r.getKey()));
            matches &= "In".equals(r.getOperator()) ? in : !in;
        }
        return matches;
    }

    @Test
    void theRedisPodsSpreadAsOneSetOverZonesAndNodesAndTheSentinelsAsAnother() {
        List<StatefulSet> all = statefulSets(placed());
        PodTemplateSpec master = template(all, "orders-master");
        PodTemplateSpec replica = template(all, "orders-replica");
        PodTemplateSpec sentinel = template(all, "orders-sentinel");

        for (PodTemplateSpec redis : List.of(master, replica)) {
            List<TopologySpreadConstraint> constraints = redis.getSpec().getTopologySpreadConstraints();
            assertThat(constraints).extracting(TopologySpreadConstraint::getTopologyKey)
                    .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
            assertThat(constraints).allSatisfy(c -> {
                assertThat(c.getMaxSkew()).isEqualTo(1);
                assertThat(c.getWhenUnsatisfiable()).as("a one-zone cluster still schedules")
                        .isEqualTo("ScheduleAnyway");
                assertThat(selects(c.getLabelSelector(), master.getMetadata().getLabels())).as("master").isTrue();
                assertThat(selects(c.getLabelSelector(), replica.getMetadata().getLabels())).as("replica").isTrue();
                assertThat(selects(c.getLabelSelector(), sentinel.getMetadata().getLabels())).as("sentinel").isFalse();
                assertThat(c.getLabelSelector().getMatchLabels()).as("roles move: never the live role label")
                        .doesNotContainKey(Labels.ROLE_LABEL).containsEntry(Labels.INSTANCE, "orders");
            });
        }
        assertThat(sentinel.getSpec().getTopologySpreadConstraints()).hasSize(2).allSatisfy(c -> {
            assertThat(selects(c.getLabelSelector(), sentinel.getMetadata().getLabels())).isTrue();
            assertThat(selects(c.getLabelSelector(), master.getMetadata().getLabels())).isFalse();
            assertThat(selects(c.getLabelSelector(), replica.getMetadata().getLabels())).isFalse();
        });
    }

    @Test
    void anotherInstancesPodsAreNotCounted() {
        RedisReplicationSpec orders = RedisManifestsTest.classic();
        PodTemplateSpec other = template(statefulSets(orders), "orders-replica");
        RedisReplicationSpec payments = RedisReplicationSpec.builder("payments").namespace(orders.namespace())
                .placement(p -> p.zoneSpread(1)).build();
        TopologySpreadConstraint zones = template(statefulSets(payments), "payments-master").getSpec()
                .getTopologySpreadConstraints().get(0);

        assertThat(selects(zones.getLabelSelector(), other.getMetadata().getLabels())).isFalse();
    }

    @Test
    void aNodeSpreadReplacesTheAntiAffinityAndAZoneSpreadKeepsIt() {
        RedisReplicationSpec zonesOnly = RedisManifestsTest.classic().toBuilder()
                .placement(p -> p.zoneSpread(2, Placement.WhenUnsatisfiable.DO_NOT_SCHEDULE)).build();
        RedisReplicationSpec nodes = zonesOnly.toBuilder().placement(p -> p.nodeSpread(1)).build();

        assertThat(statefulSets(zonesOnly)).allSatisfy(sts -> {
            assertThat(sts.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
            assertThat(sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
                    .satisfies(c -> {
                        assertThat(c.getMaxSkew()).isEqualTo(2);
                        assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
                    });
        });
        assertThat(statefulSets(nodes)).allSatisfy(sts -> {
            assertThat(sts.getSpec().getTemplate().getSpec().getAffinity()).as("one rule per topology").isNull();
            assertThat(sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).hasSize(2);
        });
    }

    @Test
    void thePriorityClassAndPodMetadataGoOnEveryPodTemplateOnly() {
        List<HasMetadata> objects = RedisManifests.render(placed());

        assertThat(statefulSets(placed())).hasSize(3).allSatisfy(sts -> {
            PodTemplateSpec template = sts.getSpec().getTemplate();
            assertThat(template.getSpec().getPriorityClassName()).isEqualTo("redis-critical");
            assertThat(template.getMetadata().getLabels()).containsEntry("example.com/cost-center", "42")
                    .containsKey(Labels.COMPONENT);
            assertThat(template.getMetadata().getAnnotations()).containsEntry("example.com/backup", "nightly")
                    .containsKey(PodDraft.CONFIG_HASH_ANNOTATION);
        });
        assertThat(objects).as("not on the objects themselves").allSatisfy(o -> {
            assertThat(o.getMetadata().getLabels()).doesNotContainKey("example.com/cost-center");
            assertThat(o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations())
                    .doesNotContainKey("example.com/backup");
        });
    }

    @Test
    void withoutPlacementNothingIsAdded() {
        assertThat(statefulSets(RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3)).build()))
                .allSatisfy(sts -> {
                    assertThat(sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).isEmpty();
                    assertThat(sts.getSpec().getTemplate().getSpec().getPriorityClassName()).isNull();
                });
    }
}
