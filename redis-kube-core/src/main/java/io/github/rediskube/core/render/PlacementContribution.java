package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.github.rediskube.core.spec.Placement;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Placement (on when the spec has {@link Placement}): adds to every Redis and Sentinel pod the topology spread
 * constraints over zones and nodes, the priority class, and the pod-template labels and annotations.
 *
 * <p>A constraint counts the pods its label selector picks: for a Redis pod the pods of both Redis StatefulSets
 * of this instance ({@link Labels#redisPods}: by component, which stays with the StatefulSet when Sentinel moves
 * the roles), for a Sentinel pod this instance's Sentinels (its own component). So the master and the replicas
 * spread as one set, and the Sentinels as another. A node constraint replaces the spread-over-nodes
 * anti-affinity on the pod ({@link PodDraft#spread}).
 */
final class PlacementContribution implements Contribution {

    @Override
    public boolean appliesTo(RedisReplicationSpec spec) {
        return spec.placement() != null;
    }

    @Override
    public void pod(RedisReplicationSpec spec, PodDraft pod) {
        Placement placement = spec.placement();
        LabelSelector selector = selector(spec, pod);
        List<TopologySpreadConstraint> constraints = new ArrayList<>();
        add(constraints, Placement.ZONE_KEY, placement.zones(), selector);
        add(constraints, Placement.NODE_KEY, placement.nodes(), selector);
        pod.spread(constraints)
                .priorityClassName(placement.priorityClassName())
                .metadata(placement.podLabels(), placement.podAnnotations());
    }

    /** @return the pods a constraint on this pod counts: the Redis pods of the instance, or its Sentinels */
    private static LabelSelector selector(RedisReplicationSpec spec, PodDraft pod) {
        if (pod.kind() == PodDraft.Kind.REDIS) {
            return Labels.redisPods(spec);
        }
        Map<String, String> sentinels = Labels.selector(spec);
        sentinels.put(Labels.COMPONENT, pod.labels().get(Labels.COMPONENT));
        return new LabelSelectorBuilder().withMatchLabels(sentinels).build();
    }

    private static void add(List<TopologySpreadConstraint> constraints, String topologyKey,
                            Placement.@Nullable Spread spread, LabelSelector selector) {
        if (spread == null) {
            return;
        }
        constraints.add(new TopologySpreadConstraintBuilder()
                .withTopologyKey(topologyKey)
                .withMaxSkew(spread.maxSkew())
                .withWhenUnsatisfiable(spread.whenUnsatisfiable().value())
                .withLabelSelector(selector)
                .build());
    }
}
