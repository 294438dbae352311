package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The PodDisruptionBudgets (when {@code podDisruptionBudget} is on). Without Sentinel the master is the
 * single, fixed writer and the budget keeps all but one replica up. With Sentinel any Redis pod may be the
 * master or the replica the next failover promotes, so one budget covers master and replicas together
 * (a drain takes one of them at a time, never the master and its successor); a second keeps a majority
 * of Sentinels up.
 */
final class DisruptionBudgets {

    private DisruptionBudgets() {
    }

    static List<PodDisruptionBudget> render(RedisReplicationSpec spec) {
        List<PodDisruptionBudget> budgets = new ArrayList<>();
        if (!spec.podDisruptionBudget()) {
            return budgets;
        }
        if (spec.sentinelEnabled()) {
            budgets.add(redisPods(spec));
            budgets.add(sentinels(spec));
        } else if (spec.replicas() > 0) {
            budgets.add(replicas(spec));
        }
        return budgets;
    }

    /** Plain replication: all but one replica running through voluntary disruptions (drains, upgrades). */
    private static PodDisruptionBudget replicas(RedisReplicationSpec spec) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().of(Role.REPLICA), Labels.common(spec, Role.REPLICA)))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector()
                        .withMatchLabels(Labels.selector(spec, Role.REPLICA))
                    .endSelector()
                .endSpec()
                .build();
    }

    /** Sentinel mode: every Redis pod, master and replicas, at most one down at a time. */
    private static PodDisruptionBudget redisPods(RedisReplicationSpec spec) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().redisDisruptionBudget(), Labels.common(spec)))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector()
                        .withMatchLabels(Labels.selector(spec))
                        .addNewMatchExpression()
                            .withKey(Labels.COMPONENT)
                            .withOperator("In")
                            .withValues(Role.MASTER.label(), Role.REPLICA.label())
                        .endMatchExpression()
                    .endSelector()
                .endSpec()
                .build();
    }

    /** Keeps a majority of Sentinels up through drains: at most one down at a time. */
    private static PodDisruptionBudget sentinels(RedisReplicationSpec spec) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().sentinel(), Sentinels.labels(spec)))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector()
                        .withMatchLabels(Sentinels.selector(spec))
                    .endSelector()
                .endSpec()
                .build();
    }
}
