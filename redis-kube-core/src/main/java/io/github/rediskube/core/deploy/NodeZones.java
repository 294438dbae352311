package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.Placement;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which zone each Redis pod runs in: pod, its {@code spec.nodeName}, that node's {@value Placement#ZONE_KEY}
 * label; keyed by the pod's stable DNS name, the host a Redis pod announces (so the split connection's replicas
 * carry it). Each node is read once per call.
 */
final class NodeZones {

    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final Set<String> REDIS_COMPONENTS = Set.of(Role.MASTER.label(), Role.REPLICA.label());

    private NodeZones() {
    }

    static Map<String, String> read(Instance instance, ResourceNames names) {
        Map<String, String> zones = new TreeMap<>();
        Map<String, Optional<String>> byNode = new HashMap<>();
        List<Pod> pods;
        try {
            pods = instance.pods();
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "listing pods of", "Pod", instance.namespace(), instance.name(), e,
                    List.of());
        }
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (labels == null || !REDIS_COMPONENTS.contains(labels.get(COMPONENT)) || node == null) {
                continue;   // a Sentinel, or not scheduled yet
            }
            byNode.computeIfAbsent(node, n -> zone(instance, n)).ifPresent(zone -> zones.put(
                    pod.getMetadata().getName() + "." + names.headlessService() + "." + names.namespace() + ".svc."
                            + names.clusterDomain(), zone));
        }
        return Collections.unmodifiableMap(zones);
    }

    /** @return the node's zone label; empty for a node without one, or one gone since the pod was bound */
    private static Optional<String> zone(Instance instance, String nodeName) {
        Node node;
        try {
            node = instance.client().nodes().withName(nodeName).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                throw new RedisKubeException(Reason.FORBIDDEN, "Node", instance.namespace(), nodeName, "reading Node " + nodeName
                        + " (the zone of a pod of " + instance + ") failed (FORBIDDEN, HTTP 403): nodes are"
                        + " cluster-scoped and a namespaced Role cannot grant them. Fix: bind a ClusterRole with get"
                        + " and list on nodes, RbacManifests.nodeZoneReader(namespace, serviceAccount) (README:"
                        + " Zone spread and placement).", e.getMessage(), List.of(), e);
            }
            throw Errors.of(instance.client(), "reading", "Node", "", nodeName, e, List.of());
        }
        Map<String, String> labels = node == null ? null : node.getMetadata().getLabels();
        return Optional.ofNullable(labels == null ? null : labels.get(Placement.ZONE_KEY));
    }
}
