package io.github.rediskube.core.spec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the Redis pods may run.
 *
 * @param nodeSelector     node labels every Redis pod requires
 * @param tolerations      taints the pods tolerate
 * @param spreadOverNodes  whether pods of the deployment prefer distinct nodes (preferred
 *                         pod anti-affinity on {@code kubernetes.io/hostname}); default {@code true}; a
 *                         {@link Placement#nodes() node spread} replaces it
 */
public record Scheduling(Map<String, String> nodeSelector, List<Toleration> tolerations, boolean spreadOverNodes) {

    /** No node selector, no tolerations, spread over nodes. */
    public static final Scheduling DEFAULT = new Scheduling(Map.of(), List.of(), true);

    /**
     * Copies the collections (the node selector sorted by key).
     *
     * @param nodeSelector node labels every Redis pod requires
     * @param tolerations taints the pods tolerate
     * @param spreadOverNodes whether pods of the deployment prefer distinct nodes (preferred pod anti-affinity on
     *                        {@code kubernetes.io/hostname}); default {@code true}
     */
    public Scheduling {
        nodeSelector = java.util.Collections.unmodifiableMap(new TreeMap<>(Checks.requireKeys(nodeSelector,
                "nodeSelector", "pass node labels, or Map.of() for none")));
        tolerations = List.copyOf(Checks.requireElements(tolerations, "tolerations",
                "pass tolerations, or List.of() for none"));
    }

    void check(Checks checks) {
        nodeSelector.forEach((key, value) -> {
            checks.require(Names.isQualifiedKey(key), "nodeSelector key", key, "must be a valid label key",
                    "use e.g. \"disktype\" or \"node.kubernetes.io/instance-type\"");
            checks.require(Names.isLabelValue(value), "nodeSelector[" + key + "]", value,
                    "must be a valid label value", "use letters, digits, '-', '_' and '.', at most 63 characters");
        });
        for (int i = 0; i < tolerations.size(); i++) {
            tolerations.get(i).check(checks, "tolerations[" + i + "]");
        }
    }
}
