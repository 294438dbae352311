package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ServiceMonitor of {@code metrics(m -> m.serviceMonitor(true))} on a live cluster: pruned when an update turns
 * it off. Only a spec that had one asks for it, so clusters without the Prometheus Operator see no such request.
 */
final class ServiceMonitors {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMonitors.class);
    private static final ResourceDefinitionContext SERVICE_MONITOR = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
            .withPlural("servicemonitors").withNamespaced(true).build();

    private ServiceMonitors() {
    }

    /** Deletes the instance's ServiceMonitor when {@code before} rendered one and {@code after} does not. */
    static void pruneIfDropped(KubernetesClient client, String namespace, @Nullable RedisReplicationSpec before,
                               RedisReplicationSpec after) {
        if (!renders(before) || renders(after)) {
            return;
        }
        try {
            client.genericKubernetesResources(SERVICE_MONITOR).inNamespace(namespace).withName(before.name()).delete();
        } catch (KubernetesClientException e) {
            throw Errors.of(client, "pruning", "ServiceMonitor", namespace, before.name(), e, List.of());
        }
        LOG.info("{} ServiceMonitor/{} no longer rendered: deleted", namespace, before.name());
    }

    private static boolean renders(@Nullable RedisReplicationSpec spec) {
        return spec != null && spec.metricsEnabled() && spec.metrics().serviceMonitor();
    }
}
