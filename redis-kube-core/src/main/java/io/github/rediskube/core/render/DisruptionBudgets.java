package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * The PodDisruptionBudget primitive: the contributions' budgets (when {@code podDisruptionBudget} is on) each
 * let voluntary disruptions (drains, upgrades) take one of the selected pods at a time.
 */
final class DisruptionBudgets {

    private DisruptionBudgets() {
    }

    static PodDisruptionBudget oneAtATime(ObjectMeta metadata, LabelSelector selector) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withSelector(selector)
                .endSpec()
                .build();
    }
}
