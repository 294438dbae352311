package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.spec.Role;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One deployment on the API server: its namespace, name, and the label selector scoping every call. */
record Instance(KubernetesClient client, String namespace, String name) {

    /** The label every object redis-kube renders carries, and the only one of a tenant's objects. */
    static final Map<String, String> TENANT_LABELS = Map.of("app.kubernetes.io/managed-by", "redis-kube");

    /** Selects the objects of this instance, and of no other (sorted: the same query every time). */
    Map<String, String> selector() {
        return new TreeMap<>(Map.of("app.kubernetes.io/name", "redis", "app.kubernetes.io/instance", name,
                "app.kubernetes.io/managed-by", "redis-kube"));
    }

    String statefulSetName(Role role) {
        return name + "-" + role.label();
    }

    StatefulSet statefulSet(Role role) {
        return client.apps().statefulSets().inNamespace(namespace).withName(statefulSetName(role)).get();
    }

    List<StatefulSet> statefulSets() {
        return client.apps().statefulSets().inNamespace(namespace).withLabels(selector()).list().getItems();
    }

    List<Pod> pods() {
        return client.pods().inNamespace(namespace).withLabels(selector()).list().getItems();
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
